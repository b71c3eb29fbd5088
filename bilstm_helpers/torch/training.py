"""A small, device-agnostic PyTorch training loop with a progress bar.

The same code runs on the CPU and on a CUDA GPU: :func:`pick_device` chooses,
and every batch is moved to the model's device. The bar is
:func:`~bilstm_helpers.progress.progress_bar`: it moves in a terminal or a
live notebook and leaves one line in an executed notebook. Losses are
averaged over examples (a short last batch weighs what its examples weigh)
and returned. :class:`BiLSTMTagger` is chapter 4's per-step tagger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from bilstm_helpers.progress import progress_bar
from bilstm_helpers.runtime import weights_path
from bilstm_helpers.torch.ragged import ragged_bilstm

Batch = tuple[torch.Tensor, ...]  # (inputs..., targets)
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def pick_device(prefer: str | None = None) -> torch.device:
    """``torch.device("cuda")`` when a GPU is there, else ``"cpu"``.

    Args:
        prefer: force a device ("cpu", "cuda", "cuda:1", ...), or None to choose.
    """
    if prefer is not None:
        device = torch.device(prefer)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"device {prefer!r} was asked for but CUDA is not available here; "
                             "use prefer=None (or 'cpu').")
        return device
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _to(batch: Batch, device: torch.device) -> Batch:
    if not isinstance(batch, (tuple, list)) or len(batch) < 2:
        raise ValueError("each batch must be a tuple (inputs..., targets), e.g. (x, lengths, y) "
                         "from a DataLoader over a TensorDataset.")
    return tuple(t.to(device) for t in batch)


def _batch_size(targets: torch.Tensor) -> int:
    """Examples in a batch: the first dimension of its targets (batch, ...)."""
    return int(targets.shape[0]) if targets.dim() else 1


def _train_pass(model: nn.Module, batches: Iterable[Batch], loss_fn: LossFn,
                optimizer: torch.optim.Optimizer, bar: Any) -> float:
    """One pass over ``batches``; the example-weighted mean loss. ``bar.update(1)`` per batch."""
    device = next(model.parameters()).device
    model.train()
    total, count = 0.0, 0
    for batch in batches:
        *inputs, targets = _to(batch, device)
        optimizer.zero_grad()
        loss = loss_fn(model(*inputs), targets)
        loss.backward()
        optimizer.step()
        n = _batch_size(targets)
        total, count = total + loss.item() * n, count + n
        bar.update(1)
        bar.set_postfix(loss=f"{total / count:.4f}", refresh=False)
    if count == 0:
        raise ValueError("batches was empty; give at least one batch.")
    return total / count


def _length(batches: Iterable[Batch]) -> int | None:
    try:
        return len(batches)  # type: ignore[arg-type]
    except TypeError:
        return None


def train_epoch(model: nn.Module, batches: Iterable[Batch], loss_fn: LossFn,
                optimizer: torch.optim.Optimizer, progress: bool = True, description: str = "train") -> float:
    """One pass over ``batches``; returns the training loss averaged over examples.

    Args:
        model: a ``torch.nn.Module``; called as ``model(*inputs)``.
        batches: yields tuples ``(*inputs, targets)``, e.g. ``(x, lengths, y)``
            with x (batch, time, features) and y (batch,).
        loss_fn: ``loss_fn(prediction, targets)`` -> scalar tensor, the mean
            over the batch (each batch's loss is weighted by its size).
        optimizer: a ``torch.optim`` optimizer over ``model``'s parameters.
        progress: show a progress bar with the running loss.
    """
    bar = progress_bar(total=_length(batches), desc=description, enabled=progress)
    try:
        return _train_pass(model, batches, loss_fn, optimizer, bar)
    finally:
        bar.close()


def evaluate(model: nn.Module, batches: Iterable[Batch], loss_fn: LossFn) -> float:
    """Loss averaged over the examples of ``batches``, in eval mode, without gradients.

    Args:
        batches: yields ``(*inputs, targets)`` as for :func:`train_epoch`;
            ``loss_fn`` returns each batch's mean, weighted here by its size.
    """
    device = next(model.parameters()).device
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for batch in batches:
            *inputs, targets = _to(batch, device)
            n = _batch_size(targets)
            total, count = total + float(loss_fn(model(*inputs), targets)) * n, count + n
    if count == 0:
        raise ValueError("batches was empty; give at least one batch.")
    return total / count


def fit(model: nn.Module, train_batches: Iterable[Batch], loss_fn: LossFn, optimizer: torch.optim.Optimizer,
        epochs: int, valid_batches: Iterable[Batch] | None = None,
        progress: bool = True, restore_best: bool = False) -> dict[str, Any]:
    """Train for ``epochs`` epochs, with one progress bar over all their batches.

    ``train_batches`` (and ``valid_batches``) must be re-iterable, e.g. a
    ``DataLoader`` or a list of batches.

    Args:
        restore_best: after training, load the weights of the epoch with the
            lowest validation loss (needs ``valid_batches``), so that the
            number of epochs is chosen on validation, never on test data.

    Returns:
        ``{"train_loss": [...], "valid_loss": [...]}``, one value per epoch
        (``valid_loss`` empty when no validation batches are given), plus
        ``"best_epoch"`` (1-based) when ``restore_best`` is set.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}.")
    if restore_best and valid_batches is None:
        raise ValueError("restore_best=True chooses an epoch on validation: pass valid_batches.")
    history: dict[str, Any] = {"train_loss": [], "valid_loss": []}
    best_state = None
    per_epoch = _length(train_batches)
    bar = progress_bar(total=None if per_epoch is None else epochs * per_epoch, desc="training",
                       enabled=progress, unit="batch")
    try:
        for epoch in range(epochs):
            bar.set_description(f"epoch {epoch + 1}/{epochs}", refresh=False)
            history["train_loss"].append(_train_pass(model, train_batches, loss_fn, optimizer, bar))
            if valid_batches is not None:
                history["valid_loss"].append(evaluate(model, valid_batches, loss_fn))
                bar.set_postfix(loss=f"{history['train_loss'][-1]:.4f}",
                                valid_loss=f"{history['valid_loss'][-1]:.4f}", refresh=False)
                if restore_best and history["valid_loss"][-1] == min(history["valid_loss"]):
                    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
                    history["best_epoch"] = epoch + 1
    finally:
        bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    return history


def save_weights(model: nn.Module, name: str) -> Path:
    """Save ``model.state_dict()`` to :func:`~bilstm_helpers.runtime.weights_path` ``(name)``.

    Returns:
        the path written (its folder is created).
    """
    path = weights_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), path)
    return path


def load_weights(model: nn.Module, name: str, written_by: str) -> nn.Module:
    """Load the weights that ``written_by`` saved with :func:`save_weights` into ``model``.

    ``model`` must have the same architecture and sizes (PyTorch raises on any
    missing, extra or differently shaped tensor). Returns ``model``, in eval mode.

    Raises:
        FileNotFoundError: no such weights in this run mode; the message names
            the notebook to run first.
    """
    state = torch.load(weights_path(name, written_by=written_by), map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    return model.eval()


def predict_proba(model: nn.Module, batches: Iterable[Batch]) -> np.ndarray:
    """Sigmoid of the model's logits for every example, in the order of the batches.

    Args:
        model: called as ``model(*inputs)``, giving logits (batch,) or (batch, time).
        batches: unshuffled ``(*inputs, targets)`` batches (the targets are not read).

    Returns:
        (n,) or (n, time) float32 probabilities, n = examples over all batches.
    """
    if getattr(batches, "shuffle", False):
        raise ValueError("batches are shuffled, so the predictions would come in a random order; "
                         "build the batches with shuffle=False for prediction.")
    device = next(model.parameters()).device
    model.eval()
    with torch.no_grad():
        out = [torch.sigmoid(model(*inputs)).cpu().numpy()
               for *inputs, _ in (_to(batch, device) for batch in batches)]
    return np.concatenate(out)


class BiLSTMTagger(nn.Module):
    """A per-step binary tagger: ``nn.LSTM(bidirectional=True)`` + ``Linear(2H, 1)``.

    ``forward(x, lengths)``: x (batch, time, input_size), lengths (batch,) ->
    logits (batch, time), run by :func:`~bilstm_helpers.torch.ragged.ragged_bilstm`
    (exact on ragged batches).

    Args:
        input_size, hidden_size: D and H.
        num_layers, dropout: as for ``nn.LSTM`` (dropout between layers).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, dropout: float = 0.0) -> None:
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers,
                            dropout=dropout, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden_size, 1)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        output, _ = ragged_bilstm(self.lstm, x, lengths)
        return self.head(output)[..., 0]


def masked_bce_with_logits(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy over real steps only.

    Args:
        logits: (batch, time); targets: (batch, time), 0 or 1 at real steps
            and -1 at padded steps (which are left out).
    """
    if logits.shape != targets.shape:
        raise ValueError(f"logits have shape {tuple(logits.shape)} but targets "
                         f"{tuple(targets.shape)}; give one target per step (-1 at padding).")
    real = targets >= 0
    return torch.nn.functional.binary_cross_entropy_with_logits(logits[real], targets[real])
