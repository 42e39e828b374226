"""summary() against the Keras 2 text, character for character."""
from cornu import layers
from cornu.models import Model, Sequential

BOOK_MLP = """\
Model: "sequential_1"
_________________________________________________________________
Layer (type)                 Output Shape              Param #   
=================================================================
dense_1 (Dense)              (None, 512)               401920    
_________________________________________________________________
dense_2 (Dense)              (None, 10)                5130      
=================================================================
Total params: 407,050
Trainable params: 407,050
Non-trainable params: 0
_________________________________________________________________
"""


def _summary(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return "\n".join(lines) + "\n"


def test_book_mlp_summary_exact():
    model = Sequential()
    model.add(layers.Dense(512, activation="relu", input_shape=(784,)))
    model.add(layers.Dense(10, activation="softmax"))
    assert _summary(model) == BOOK_MLP


def test_summary_prints_with_print_by_default(capsys):
    model = Sequential([layers.Dense(512, input_shape=(784,)), layers.Dense(10)])
    model.summary()
    assert capsys.readouterr().out == BOOK_MLP


def test_long_names_are_truncated_and_columns_fixed():
    model = Sequential([layers.Dense(4, input_shape=(3,), name="a_very_long_layer_name_indeed"),
                        layers.ActivityRegularization(l1=0.1)])
    text = _summary(model)
    rows = text.splitlines()
    assert rows[4] == "a_very_long_layer_name_indee (None, 4)                 16        "
    assert rows[6].startswith("activity_regularization_1 (A (None, 4)")
    assert all(len(r) == 65 for r in rows[1:8] if not r.startswith("Total"))


def test_frozen_layer_counts_as_non_trainable():
    first = layers.Dense(1000, input_shape=(1000,))
    model = Sequential([first, layers.Dense(1)])
    first.trainable = False
    text = _summary(model)
    assert "Total params: 1,002,001" in text
    assert "Trainable params: 1,001\n" in text
    assert "Non-trainable params: 1,001,000" in text


def test_line_length_and_positions():
    model = Sequential([layers.Dense(2, input_shape=(3,))])
    rows = _summary(model, line_length=40, positions=[0.5, 0.8, 1.0]).splitlines()
    assert rows[1] == "_" * 40
    assert rows[2] == "Layer (type)        Output Shap Param # "
    assert rows[4] == "dense_1 (Dense)     (None, 2)   8       "


def test_functional_branching_summary_has_connected_to():
    a = layers.Input(shape=(4,), name="a")
    b = layers.Input(shape=(4,), name="b")
    shared = layers.Dense(2, name="shared")
    model = Model([a, b], [shared(a), shared(b)], name="twin")
    text = _summary(model)
    rows = text.splitlines()
    assert rows[0] == 'Model: "twin"'
    assert rows[1] == "_" * 98
    assert rows[2].rstrip() == ("Layer (type)                    Output Shape         Param #     "
                                "Connected to")
    assert rows[4].rstrip() == "a (InputLayer)                  (None, 4)            0"
    shared_row = [r for r in rows if r.startswith("shared (Dense)")][0]
    assert shared_row.rstrip() == ("shared (Dense)                  (None, 2)            10          "
                                   "a[0][0]")
    assert rows[rows.index(shared_row) + 1].rstrip() == " " * 65 + "b[0][0]"
    assert "Total params: 10" in text


def test_unbuilt_model_summary_error():
    model = Sequential([layers.Dense(2)])
    try:
        model.summary()
    except ValueError as error:
        assert "has not yet been built" in str(error)
    else:
        raise AssertionError("summary() of an unbuilt model must raise")


def test_multi_gpu_style_summary_matches_the_book_layout():
    """Zero to Deep Learning ch. 13 prints multi_gpu_model's summary: an input, two slicing
    Lambdas, the replicated Sequential called twice, and a Concatenate named after the output."""
    inner = Sequential([layers.Dense(4, input_shape=(8,)), layers.Dense(1)])
    x = layers.Input(shape=(8,), name="dense_1_input")
    first = layers.Lambda(lambda t: t[:2])(x)
    second = layers.Lambda(lambda t: t[2:])(x)
    merged = layers.Concatenate(axis=0, name="dense_2")([inner(first), inner(second)])
    model = Model(x, merged)
    rows = [r.rstrip() for r in _summary(model).splitlines()]
    assert rows[2] == "Layer (type)                    Output Shape         Param #     Connected to"
    assert rows[4] == "dense_1_input (InputLayer)      (None, 8)            0"
    assert rows[6] == "lambda_1 (Lambda)               (None, 8)            0           dense_1_input[0][0]"
    assert rows[8] == "lambda_2 (Lambda)               (None, 8)            0           dense_1_input[0][0]"
    assert rows[10] == "sequential_1 (Sequential)       (None, 1)            41          lambda_1[0][0]"
    assert rows[11] == " " * 65 + "lambda_2[0][0]"
    assert rows[13] == "dense_2 (Concatenate)           (None, 1)            0           sequential_1[1][0]"
    assert rows[14] == " " * 65 + "sequential_1[2][0]"
    assert rows[-4:] == ["Total params: 41", "Trainable params: 41", "Non-trainable params: 0",
                         "_" * 98]
