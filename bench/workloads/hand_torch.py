"""The textbook workloads as a hand-written PyTorch loop: the floor cornu is measured against.

    python hand_torch.py --framework torch --workload mnist_mlp

Plain torch, written the way a careful PyTorch user would: `nn.Linear` stacks, `torch.optim` with the
Keras 2 defaults (RMSprop lr 1e-3, rho 0.9, eps 1e-7; SGD lr 0.01), the loss taken on logits
(sigmoid/softmax folded into the loss), Glorot-uniform kernels and zero biases. It does the same work
as `fit`: the same batches, a reshuffle each epoch, the book's metric on every batch, the
validation pass of `validation_split` (the last rows, unshuffled) and per-epoch logs as Python floats.
It prints one `BENCH-RESULT {json}` line (see harness.py).
"""
import statistics
import sys
import time

from harness import (WORKLOADS, base_of, epochs_for, parse_args, run_guarded, steady_epoch_seconds,
                     time_calls, wait_for_turn)


def dense_stack(torch, sizes):
    """Linear layers with ReLU between them; the last layer has no activation (logits)."""
    nn = torch.nn
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(fan_in, fan_out)
        nn.init.xavier_uniform_(linear.weight)
        nn.init.zeros_(linear.bias)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def rmsprop(torch, model):
    return torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)


def binary_task(torch):
    functional = torch.nn.functional

    def loss_and_metric(logits, target):
        logits = logits.squeeze(1)
        loss = functional.binary_cross_entropy_with_logits(logits, target)
        return loss, ((logits > 0).to(target.dtype) == target).float().mean()

    return loss_and_metric


def categorical_task(torch):
    functional = torch.nn.functional

    def loss_and_metric(logits, target):
        loss = functional.cross_entropy(logits, target)
        return loss, (logits.argmax(1) == target.argmax(1)).float().mean()

    return loss_and_metric


def regression_task(torch):
    def loss_and_metric(prediction, target):
        error = prediction.squeeze(1) - target
        return error.square().mean(), error.detach().abs().mean()

    return loss_and_metric


def train(torch, model, optimizer, task, x, y, batch_size, epochs, validation_split=0.0):
    """Keras-style fit: shuffled mini-batches, per-batch metric, optional validation; epoch seconds."""
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    rows = len(x)
    if validation_split:
        split = int(rows * (1.0 - validation_split))
        x, x_val, y, y_val = x[:split], x[split:], y[:split], y[split:]
        rows = split
    history, seconds = [], []
    for _ in range(epochs):
        wait_for_turn()
        started = time.perf_counter()
        model.train()
        order = torch.randperm(rows)
        loss_sum = metric_sum = 0.0
        for start in range(0, rows, batch_size):
            index = order[start:start + batch_size]
            loss, metric = task(model(x[index]), y[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss_sum = loss_sum + loss.detach() * len(index)
            metric_sum = metric_sum + metric * len(index)
        logs = {"loss": float(loss_sum) / rows, "metric": float(metric_sum) / rows}
        if validation_split:
            logs.update(evaluate(torch, model, task, x_val, y_val, batch_size))
        history.append(logs)
        seconds.append(time.perf_counter() - started)
    return seconds


def evaluate(torch, model, task, x, y, batch_size):
    model.eval()
    loss_sum = metric_sum = 0.0
    with torch.inference_mode():
        for start in range(0, len(x), batch_size):
            x_batch, y_batch = x[start:start + batch_size], y[start:start + batch_size]
            loss, metric = task(model(x_batch), y_batch)
            loss_sum, metric_sum = loss_sum + loss * len(x_batch), metric_sum + metric * len(x_batch)
    return {"val_loss": float(loss_sum) / len(x), "val_metric": float(metric_sum) / len(x)}


def run_mlp981(torch, x, y, quick):
    spec = WORKLOADS["mlp981"]
    model = dense_stack(torch, [9, 8, 1])
    epochs = epochs_for("mlp981", quick)
    t0 = time.perf_counter()
    train(torch, model, rmsprop(torch, model), binary_task(torch), x, y, spec["batch_size"], epochs,
          spec["validation_split"])
    return {"value": time.perf_counter() - t0, "unit": "s", "epochs": epochs}


def run_mnist_mlp(torch, x, y, quick):
    model = dense_stack(torch, [784, 512, 10])
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    return per_epoch("mnist_mlp", train(torch, model, optimizer, categorical_task(torch), x, y,
                                         WORKLOADS["mnist_mlp"]["batch_size"],
                                         epochs_for("mnist_mlp", quick)))


def branch_network(torch):
    """Two Linear(784, 256) + ReLU towers on the input, concatenated, then Linear(512, 10)."""
    nn = torch.nn

    def glorot(linear):
        nn.init.xavier_uniform_(linear.weight)
        nn.init.zeros_(linear.bias)
        return linear

    class Branches(nn.Module):
        def __init__(self):
            super().__init__()
            self.left, self.right = glorot(nn.Linear(784, 256)), glorot(nn.Linear(784, 256))
            self.out = glorot(nn.Linear(512, 10))

        def forward(self, x):
            return self.out(torch.cat([torch.relu(self.left(x)), torch.relu(self.right(x))], 1))

    return Branches()


def run_mnist_branch(torch, x, y, quick):
    model = branch_network(torch)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    return per_epoch("mnist_branch", train(torch, model, optimizer, categorical_task(torch), x, y,
                                            WORKLOADS["mnist_branch"]["batch_size"],
                                            epochs_for("mnist_branch", quick)))


def run_imdb_dense(torch, x, y, quick):
    model = dense_stack(torch, [10000, 16, 16, 1])
    return per_epoch("imdb_dense", train(torch, model, rmsprop(torch, model), binary_task(torch), x, y,
                                          WORKLOADS["imdb_dense"]["batch_size"],
                                          epochs_for("imdb_dense", quick)))


def run_boston(torch, x, y, quick):
    model = dense_stack(torch, [13, 64, 64, 1])
    seconds = train(torch, model, rmsprop(torch, model), regression_task(torch), x, y,
                    WORKLOADS["boston"]["batch_size"], epochs_for("boston", quick))
    result = per_epoch("boston", seconds)
    steps = len(x) // WORKLOADS["boston"]["batch_size"]
    return dict(result, value=result["value"] / steps * 1e3, unit="ms/step", steps_per_epoch=steps)


def run_predict1(torch, x, y, quick):
    model = dense_stack(torch, [784, 512, 10]).eval()
    spec = WORKLOADS["predict1"]

    def predict():
        with torch.inference_mode():
            return torch.softmax(model(torch.from_numpy(x)), dim=1).numpy()

    samples = time_calls(predict, spec["warmup_calls"], spec["min_calls"], spec["max_calls"],
                         spec["budget_s"])
    return {"value": statistics.median(samples) * 1e3, "unit": "ms/call", "calls": len(samples)}


def glorot_convnet(torch, layers):
    """`nn.Sequential(*layers)` with Glorot-uniform kernels and zero biases (Keras's init)."""
    nn = torch.nn
    model = nn.Sequential(*layers)
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)
    return model


def run_mnist_convnet(torch, x, y, quick):
    nn = torch.nn
    model = glorot_convnet(torch, [
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
        nn.MaxPool2d(2), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(), nn.Linear(576, 64),
        nn.ReLU(), nn.Linear(64, 10)])
    return convnet_epochs(torch, "mnist_convnet", model, x, y, quick)


def run_cifar_convnet(torch, x, y, quick):
    nn = torch.nn
    stack = []
    for fan_in, filters in ((3, 32), (32, 64)):
        stack += [nn.Conv2d(fan_in, filters, 3, padding=1), nn.BatchNorm2d(filters, eps=1e-3,
                                                                           momentum=0.01),
                  nn.ReLU(), nn.Conv2d(filters, filters, 3),
                  nn.BatchNorm2d(filters, eps=1e-3, momentum=0.01), nn.ReLU(), nn.MaxPool2d(2),
                  nn.Dropout(0.25)]
    model = glorot_convnet(torch, stack + [nn.Flatten(), nn.Linear(64 * 6 * 6, 512), nn.ReLU(),
                                           nn.Dropout(0.5), nn.Linear(512, 10)])
    return convnet_epochs(torch, "cifar_convnet", model, x, y, quick)


def convnet_epochs(torch, workload, model, x, y, quick):
    """Trains on NCHW images (converted once, as a torch user stores them): s per 1000."""
    spec = WORKLOADS[workload]
    images = x.transpose(0, 3, 1, 2).copy()
    seconds = train(torch, model, rmsprop(torch, model), categorical_task(torch), images, y,
                    spec["batch_size"], epochs_for(workload, quick))
    result = per_epoch(workload, seconds)
    scale = spec["per_samples"] / spec["rows"]
    return dict(result, value=result["value"] * scale, unit=f"s/{spec['per_samples']}")


def lstm_network(torch, recurrent_activation):
    """Embedding(10000, 32), an LSTM(32) and Linear(32, 1) on its last output. With sigmoid
    gates it is `nn.LSTM` (torch's fused kernel); with Keras 2.2's hard_sigmoid, which that
    kernel cannot compute, a step loop: the input projections of every step in one product,
    then one matrix product per step (gates i, f, c, o as Keras orders them)."""
    nn = torch.nn

    class Network(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(10000, 32)
            self.lstm = nn.LSTM(32, 32, batch_first=True)
            self.out = nn.Linear(32, 1)

        def forward(self, x):
            embedded = self.embedding(x.long())
            if recurrent_activation == "sigmoid":
                return self.out(self.lstm(embedded)[0][:, -1])
            lstm = self.lstm
            projections = embedded @ lstm.weight_ih_l0.t() + (lstm.bias_ih_l0 + lstm.bias_hh_l0)
            recurrent = lstm.weight_hh_l0.t()
            h = c = embedded.new_zeros(len(x), 32)
            for t in range(x.shape[1]):
                z = torch.addmm(projections[:, t], h, recurrent)
                i, f, g, o = z.chunk(4, dim=1)
                i, f, o = [torch.clamp(v * 0.2 + 0.5, 0, 1) for v in (i, f, o)]
                c = f * c + i * torch.tanh(g)
                h = o * torch.tanh(c)
            return self.out(h)

    return Network()


def gru_network(torch, features, units=32, rate=0.2):
    """Chollet 6.3's GRU(32, dropout=0.2, recurrent_dropout=0.2) and Linear(32, 1): a step loop
    (torch's fused GRU has no recurrent dropout), one input and one recurrent dropout mask per
    sequence, the input projections of every step in one product."""
    nn = torch.nn

    class Network(nn.Module):
        def __init__(self):
            super().__init__()
            self.input = nn.Linear(features, 3 * units)
            self.recurrent = nn.Linear(units, 3 * units, bias=False)
            self.out = nn.Linear(units, 1)

        def forward(self, x):
            h = x.new_zeros(len(x), units)
            if self.training:
                x = x * (torch.rand(len(x), 1, features) >= rate) / (1 - rate)
                keep = (torch.rand(len(x), units) >= rate) / (1 - rate)
            projections = self.input(x)
            w_zr, w_h = self.recurrent.weight[:2 * units].t(), self.recurrent.weight[2 * units:].t()
            for t in range(x.shape[1]):
                dropped = h * keep if self.training else h
                x_zr, x_h = projections[:, t, :2 * units], projections[:, t, 2 * units:]
                z, r = torch.sigmoid(x_zr + dropped @ w_zr).chunk(2, dim=1)
                candidate = torch.tanh(x_h + (r * dropped) @ w_h)
                h = z * h + (1 - z) * candidate
            return self.out(h)

    return Network()


def recurrent_epochs(torch, workload, model, task, x, y, quick):
    """Seconds per 1000 training samples of a recurrent workload."""
    spec = WORKLOADS[workload]
    seconds = train(torch, model, rmsprop(torch, model), task, x, y, spec["batch_size"],
                    epochs_for(workload, quick))
    result = per_epoch(workload, seconds)
    scale = spec["per_samples"] / spec["rows"]
    return dict(result, value=result["value"] * scale, unit=f"s/{spec['per_samples']}")


def run_imdb_lstm(torch, x, y, quick):
    return recurrent_epochs(torch, "imdb_lstm", lstm_network(torch, "sigmoid"),
                            binary_task(torch), x, y, quick)


def run_imdb_lstm_hard(torch, x, y, quick):
    return recurrent_epochs(torch, "imdb_lstm_hard", lstm_network(torch, "hard_sigmoid"),
                            binary_task(torch), x, y, quick)


def run_jena_gru(torch, x, y, quick):
    def mae(prediction, target):
        error = (prediction.squeeze(1) - target).abs().mean()
        return error, error.detach()

    model = gru_network(torch, WORKLOADS["jena_gru"]["features"])
    return recurrent_epochs(torch, "jena_gru", model, mae, x, y, quick)


def per_epoch(workload, seconds):
    return {"value": steady_epoch_seconds(seconds), "unit": "s/epoch",
            "epoch_seconds": [round(s, 4) for s in seconds]}


def main(argv):
    args = parse_args(argv, ["torch"])
    workload = args["workload"]

    def body():
        t0 = time.perf_counter()
        import torch

        import_s = time.perf_counter() - t0
        torch.set_num_threads(args["threads"])
        import numpy

        info = {"versions": {"python": sys.version.split()[0], "torch": torch.__version__,
                             "numpy": numpy.__version__}, "threads": args["threads"]}
        if workload == "import":
            return dict(info, value=import_s, unit="s")
        import synthetic

        torch.manual_seed(0)
        x, y = synthetic.make(workload)
        run = globals().get("run_" + workload) or globals()["run_" + base_of(workload)]
        return dict(info, **run(torch, x, y, args["quick"]))

    return run_guarded("torch", workload, body)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
