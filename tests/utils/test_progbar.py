"""Progbar: the Keras 2.2.4 text format, in place on terminals, one final line elsewhere."""
import contextlib
import io
import sys
import types

import pytest

from cornu.utils.progbar import (Progbar, format_eta, format_time_per_unit, format_value)
from tests.fake_terminal import TerminalBuffer

FULL = '=' * 30
EMPTY = '.' * 30


def run(buffer, steps):
    """Runs ``steps`` (a callable) with stdout redirected to ``buffer``; returns the text."""
    with contextlib.redirect_stdout(buffer):
        steps()
    return buffer.getvalue()


def test_non_dynamic_output_is_only_the_final_line(clock):
    def steps():
        bar = Progbar(60000)
        clock.now += 1.0
        bar.update(30000, [('loss', 0.3), ('acc', 0.9)])
        clock.now += 0.98
        bar.update(60000, [('loss', 0.21), ('acc', 0.952)])

    assert run(io.StringIO(), steps) == (
        '60000/60000 [%s] - 2s 33us/step - loss: 0.2550 - acc: 0.9260\n' % FULL)


def test_non_dynamic_prints_nothing_before_the_end(clock):
    def steps():
        bar = Progbar(100)
        for _ in range(9):
            clock.now += 1.0
            bar.add(10, [('loss', 1.0)])
        bar.update(90, force=True)

    assert run(io.StringIO(), steps) == ''


def test_dynamic_redraws_in_place(clock):
    def steps():
        bar = Progbar(60000)
        clock.now += 0.5
        bar.update(128, [('loss', 0.6931)])
        clock.now += 1.5
        bar.update(60000, [('loss', 0.2)])

    first = '  128/60000 [%s] - ETA: 3:53 - loss: 0.6931' % EMPTY
    # loss averaged over samples: (0.6931 * 128 + 0.2 * 59872) / 60000 = 0.201052
    last = '60000/60000 [%s] - 2s 33us/step - loss: 0.2011' % FULL
    assert run(TerminalBuffer(), steps) == (
        '\r' + first + '\b' * len(first) + '\r' + last + '\n')


def test_running_bar_has_head_and_right_aligned_counter(clock):
    def steps():
        bar = Progbar(1000)
        clock.now += 5.0
        bar.update(5)
        clock.now += 5.0
        bar.update(500)

    first = '   5/1000 [%s] - ETA: 16:35' % EMPTY
    second = ' 500/1000 [%s>%s] - ETA: 10s' % ('=' * 14, '.' * 15)
    assert run(TerminalBuffer(), steps) == (
        '\r' + first + '\b' * len(first) + '\r' + second + ' ' * (len(first) - len(second)))


def test_redraws_are_rate_limited_unless_forced(clock):
    def steps():
        bar = Progbar(10, interval=0.05)
        clock.now += 1.0
        bar.update(1)
        clock.now += 0.01
        bar.update(2)  # too soon: skipped
        bar.update(3, force=True)

    first = ' 1/10 [==>%s] - ETA: 9s' % ('.' * 27)
    third = ' 3/10 [%s>%s] - ETA: 2s' % ('=' * 8, '.' * 21)
    assert run(TerminalBuffer(), steps) == (
        '\r' + first + '\b' * len(first) + '\r' + third)


def test_jupyter_counts_as_dynamic(clock, monkeypatch):
    monkeypatch.setitem(sys.modules, 'ipykernel', types.ModuleType('ipykernel'))

    def steps():
        bar = Progbar(4)
        clock.now += 2.0
        bar.update(2)

    assert run(io.StringIO(), steps) == '\r2/4 [%s>%s] - ETA: 2s' % ('=' * 14, '.' * 15)


def test_stdout_is_looked_up_at_write_time(clock):
    bar = Progbar(3)
    buffer = io.StringIO()
    clock.now += 3.0
    with contextlib.redirect_stdout(buffer):
        bar.update(3)
    assert buffer.getvalue() == '3/3 [%s] - 3s 1s/step\n' % FULL


def test_values_are_averaged_weighted_by_increment(clock):
    def steps():
        bar = Progbar(4)
        bar.update(1, [('loss', 4.0)])
        bar.update(4, [('loss', 1.0)])  # (4 * 1 + 1 * 3) / 4 = 1.75

    assert run(io.StringIO(), steps) == '4/4 [%s] - 0s 0us/step - loss: 1.7500\n' % FULL


def test_stateful_metrics_are_shown_as_given(clock):
    def steps():
        bar = Progbar(4, stateful_metrics=['auc'])
        bar.update(2, [('loss', 2.0), ('auc', 0.6)])
        bar.update(4, [('loss', 1.0), ('auc', 0.8)])

    assert run(io.StringIO(), steps) == (
        '4/4 [%s] - 0s 0us/step - loss: 1.5000 - auc: 0.8000\n' % FULL)


def test_exact_values_and_values_first_seen_on_an_empty_step(clock):
    def steps():
        bar = Progbar(4)
        bar.update(4, [('loss', 1.0)], finalize=False)
        bar.update(4, [('loss', 9.0), ('val_loss', 0.5)], exact=[('acc', 0.25)])

    assert run(io.StringIO(), steps) == (
        '4/4 [%s] - 0s 0us/step - loss: 1.0000 - val_loss: 0.5000 - acc: 0.2500\n' % FULL)


def test_small_values_use_exponent_format(clock):
    def steps():
        bar = Progbar(2)
        bar.update(2, [('loss', 0.0001234), ('delta', -0.0005), ('acc', 1.0)])

    assert run(io.StringIO(), steps) == (
        '2/2 [%s] - 0s 0us/step - loss: 1.2340e-04 - delta: -5.0000e-04 - acc: 1.0000\n'
        % FULL)


def test_add_advances_from_the_current_count(clock):
    def steps():
        bar = Progbar(300, unit_name='sample')
        for _ in range(3):
            clock.now += 0.2
            bar.add(100, [('loss', 0.5)])

    assert run(io.StringIO(), steps) == (
        '300/300 [%s] - 1s 2ms/sample - loss: 0.5000\n' % FULL)


def test_verbose_2_prints_one_summary_line_at_the_end(clock):
    def steps():
        bar = Progbar(60000, verbose=2)
        clock.now += 1.0
        bar.update(30000, [('loss', 0.3), ('acc', 0.9)])
        clock.now += 1.0
        bar.update(60000, [('loss', 0.21), ('acc', 0.952)])

    assert run(TerminalBuffer(), steps) == ' - 2s - loss: 0.2550 - acc: 0.9260\n'


def test_verbose_0_prints_nothing(clock):
    def steps():
        bar = Progbar(2, verbose=0)
        bar.update(1, [('loss', 1.0)])
        bar.update(2, [('loss', 1.0)])

    assert run(TerminalBuffer(), steps) == ''


def test_unknown_target_dynamic(clock):
    def steps():
        bar = Progbar(None)
        clock.now += 1.0
        bar.update(256, [('loss', 0.5)])
        clock.now += 1.0
        bar.update(512, [('loss', 0.5)], finalize=True)

    first = '    256/Unknown - 1s 4ms/step - loss: 0.5000'
    last = '    512/Unknown - 2s 4ms/step - loss: 0.5000'
    assert run(TerminalBuffer(), steps) == (
        '\r' + first + '\b' * len(first) + '\r' + last + '\n')


def test_unknown_target_non_dynamic_prints_when_finalized(clock):
    def steps():
        bar = Progbar(None)
        clock.now += 0.5
        bar.update(10)
        clock.now += 0.5
        bar.update(20, finalize=True)

    assert run(io.StringIO(), steps) == '     20/Unknown - 1s 50ms/step\n'


def test_unknown_target_verbose_2(clock):
    def steps():
        bar = Progbar(None, verbose=2)
        bar.update(10, [('loss', 0.5)])
        clock.now += 3.0
        bar.update(20, [('loss', 0.5)], finalize=True)

    assert run(io.StringIO(), steps) == ' - 3s - loss: 0.5000\n'


def test_eta_formats():
    assert format_eta(3725.9) == '1:02:05'
    assert format_eta(3600) == '60:00'
    assert format_eta(125) == '2:05'
    assert format_eta(60) == '60s'
    assert format_eta(42.9) == '42s'


def test_eta_hours_in_a_running_bar(clock):
    def steps():
        bar = Progbar(100)
        clock.now += 100.0
        bar.update(2)  # 50 s per step, 98 steps left: 4900 s

    assert run(TerminalBuffer(), steps) == '\r  2/100 [%s] - ETA: 1:21:40' % EMPTY


def test_time_per_unit_formats():
    assert format_time_per_unit(0.0000334) == '33us/step'
    assert format_time_per_unit(0.00099) == '990us/step'
    assert format_time_per_unit(0.001) == '1ms/step'
    assert format_time_per_unit(0.5) == '500ms/step'
    assert format_time_per_unit(1.49) == '1s/step'
    assert format_time_per_unit(149.0, 'sample') == '149s/sample'


def test_value_formats():
    assert format_value(0.25503) == '0.2550'
    assert format_value(-1.5) == '-1.5000'
    assert format_value(0.001) == '1.0000e-03'
    assert format_value(0.0) == '0.0000e+00'


def test_negative_target_is_rejected():
    with pytest.raises(ValueError, match='non-negative count or None'):
        Progbar(-1)
