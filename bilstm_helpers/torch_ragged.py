"""Exact ragged batches for ``torch.nn.LSTM(bidirectional=True)`` without packing.

``pack_padded_sequence`` gives the right answer for a post-padded batch of
sequences of different lengths, but on a CPU its backward pass is many times
slower than the plain padded run. :func:`ragged_bilstm` gives the same
numbers (outputs, ``h_n``, ``c_n`` and every gradient) from plain padded runs,
one layer at a time:

1. **Forward direction**: one run over the padded batch. Its outputs at real
   steps never see the padding that comes after them; outputs at padded steps
   are set to zero.
2. **Backward direction**: each sequence is reversed *within its own length*
   (a gather: step t reads step ``lengths - 1 - t``), so that it starts at its
   own last real step; one run over that batch; the outputs are reversed back
   with the same gather (the reversal is its own inverse) and padded steps
   zeroed.
3. **Final states**: ``h`` at each sequence's own end is its output there.
   The cell state ``c`` is not among the outputs of ``nn.LSTM``, so it is
   recomputed from them: the gates at every step follow, in one matrix
   product, from the inputs and the previous outputs, and
   ``c_t = f_t * c_{t-1} + i_t * g_t`` is then a cheap element-wise recurrence;
   ``c`` is read at step ``lengths - 1``.

Each direction's run is ``torch._VF.lstm`` with that direction's weights (the
function ``nn.LSTM.forward`` itself calls), so it takes PyTorch's fast fused
path. Importing this module does not import PyTorch.
"""

from __future__ import annotations

from typing import Any

Tensor = Any  # torch.Tensor, imported lazily


def _check_lstm(lstm: Any) -> None:
    import torch

    if not isinstance(lstm, torch.nn.LSTM):
        raise ValueError(f"lstm must be a torch.nn.LSTM, got {type(lstm).__name__}.")
    if not lstm.bidirectional:
        raise ValueError("lstm must be built with bidirectional=True; for a one-way LSTM "
                         "the plain padded run already gives exact outputs.")
    if not lstm.batch_first:
        raise ValueError("lstm must be built with batch_first=True (x is (batch, time, features)); "
                         "rebuild it or transpose x and use pack_padded_sequence.")


def check_ragged_inputs(lstm: Any, x: Tensor, lengths: Any) -> Tensor:
    """Check the layer, ``x`` and ``lengths``; return lengths as an int64 tensor.

    Args:
        lstm: ``nn.LSTM(bidirectional=True, batch_first=True)``.
        x: (batch, time, input_size), post-padded.
        lengths: (batch,) integers in 1..time (list, NumPy array or tensor).

    Returns:
        (batch,) int64 tensor on ``x``'s device.
    """
    import torch

    _check_lstm(lstm)
    if x.dim() != 3:
        raise ValueError(f"x must have shape (batch, time, features), got shape {tuple(x.shape)}; "
                         "for a single sequence use x[None].")
    batch, time, features = x.shape
    if features != lstm.input_size:
        raise ValueError(f"x has {features} features but lstm has input_size={lstm.input_size}; "
                         "fix x or build the layer with the right input_size.")
    lengths = torch.as_tensor(lengths)
    if lengths.dtype.is_floating_point or lengths.dtype == torch.bool:
        raise ValueError(f"lengths must be integers, got dtype {lengths.dtype}; "
                         "pass e.g. torch.tensor([5, 3]).")
    if tuple(lengths.shape) != (batch,):
        raise ValueError(f"lengths must have shape (batch,) = ({batch},), got {tuple(lengths.shape)}; "
                         "give one length per sequence.")
    if bool((lengths < 1).any()) or bool((lengths > time).any()):
        raise ValueError(f"lengths must lie in 1..{time} (the padded time axis), got "
                         f"min {int(lengths.min())}, max {int(lengths.max())}; drop empty "
                         "sequences and pad x to the longest sequence.")
    return lengths.to(device=x.device, dtype=torch.int64)


def reverse_index(lengths: Tensor, time: int) -> tuple[Tensor, Tensor]:
    """Gather index that reverses each sequence within its own length.

    Args:
        lengths: (batch,) int64 in 1..time.
        time: T, the padded length.

    Returns:
        index: (batch, time) with ``index[b, t] = lengths[b] - 1 - t`` for real
        steps and ``t`` at padded steps; valid: (batch, time) bool, True at
        real steps. Gathering with ``index`` twice gives back the input.
    """
    import torch

    steps = torch.arange(time, device=lengths.device)
    source = lengths[:, None] - 1 - steps[None, :]
    valid = source >= 0
    return torch.where(valid, source, steps[None, :]), valid


def _gather_time(x: Tensor, index: Tensor) -> Tensor:
    """x: (B, T, F), index: (B, T) -> (B, T, F) with out[b, t] = x[b, index[b, t]]."""
    return x.gather(1, index[:, :, None].expand(-1, -1, x.shape[2]))


def _direction_weights(lstm: Any, layer: int, reverse: bool) -> list[Tensor]:
    """[weight_ih, weight_hh, (bias_ih, bias_hh), (weight_hr)] of one direction, in the
    order torch._VF.lstm expects."""
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if lstm.bias else [])
    names += ["weight_hr"] if lstm.proj_size > 0 else []
    return [getattr(lstm, name + suffix) for name in names]


def _final_cell_state(x: Tensor, out: Tensor, h0: Tensor, c0: Tensor, weights: list[Tensor],
                      has_bias: bool, lengths: Tensor) -> Tensor:
    """Cell state of one direction at step ``lengths - 1``, recomputed from its outputs.

    Args:
        x: (B, T, D) the inputs that direction read; out: (B, T, P) its outputs
        (P = H, or proj_size); h0: (B, P), c0: (B, H) its initial state.

    Returns:
        (B, H).
    """
    import torch

    w_ih, w_hh = weights[0], weights[1]
    h_prev = torch.cat([h0[:, None], out[:, :-1]], dim=1)  # (B, T, P): h_{t-1}
    gates = x @ w_ih.T + h_prev @ w_hh.T  # (B, T, 4H), gate order i, f, g, o
    if has_bias:
        gates = gates + (weights[2] + weights[3])
    i, f, g, _ = gates.chunk(4, dim=2)
    forget, update = torch.sigmoid(f), torch.sigmoid(i) * torch.tanh(g)
    c, cells = c0, []
    for t in range(int(lengths.max())):
        c = forget[:, t] * c + update[:, t]
        cells.append(c)
    cells = torch.stack(cells, dim=1)  # (B, max length, H)
    return cells.gather(1, (lengths - 1)[:, None, None].expand(-1, 1, cells.shape[2]))[:, 0]


def _run_direction(x: Tensor, h0: Tensor, c0: Tensor, weights: list[Tensor], has_bias: bool,
                   lengths: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """One direction of one layer on a batch whose sequences start at step 0.

    Returns outputs (B, T, P) (garbage at padded steps), h and c at each
    sequence's last real step, (B, P) and (B, H).
    """
    import torch

    out, _, _ = torch._VF.lstm(x, (h0[None], c0[None]), weights, has_bias, 1, 0.0,
                               False, False, True)
    h_last = out.gather(1, (lengths - 1)[:, None, None].expand(-1, 1, out.shape[2]))[:, 0]
    c_last = _final_cell_state(x, out, h0, c0, weights, has_bias, lengths)
    return out, h_last, c_last


def ragged_bilstm(lstm: Any, x: Tensor, lengths: Any,
                  initial_state: tuple[Tensor, Tensor] | None = None
                  ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """What ``lstm`` returns on ``pack_padded_sequence(x, lengths)``, from padded runs.

    Args:
        lstm: ``torch.nn.LSTM(bidirectional=True, batch_first=True)``, any
            ``num_layers``, with or without ``proj_size``. In training mode its
            ``dropout`` is applied between layers, as ``nn.LSTM`` does.
        x: (batch, time, input_size), post-padded (the padding values do not
            matter).
        lengths: (batch,) integers in 1..time, in any order.
        initial_state: ``(h_0, c_0)``, shapes (num_layers * 2, batch, P) and
            (num_layers * 2, batch, H), or None for zeros. P is ``proj_size``
            when set, else H.

    Returns:
        output: (batch, time, 2 * P), forward and backward outputs
        concatenated, zeros at padded steps (what ``pad_packed_sequence``
        gives); ``(h_n, c_n)``: (num_layers * 2, batch, P) and
        (num_layers * 2, batch, H), rows ordered layer 0 forward, layer 0
        backward, layer 1 forward, ..., each sequence's state at its own end.

    Raises:
        ValueError: if the layer is not bidirectional and batch-first, or x,
            lengths or initial_state have the wrong shape or values.
    """
    import torch
    import torch.nn.functional as F

    lengths = check_ragged_inputs(lstm, x, lengths)
    batch, time, _ = x.shape
    layers, hidden = lstm.num_layers, lstm.hidden_size
    out_size = lstm.proj_size if lstm.proj_size > 0 else hidden
    if initial_state is None:
        h0 = x.new_zeros(2 * layers, batch, out_size)
        c0 = x.new_zeros(2 * layers, batch, hidden)
    else:
        h0, c0 = initial_state
        for name, state, size in (("h_0", h0, out_size), ("c_0", c0, hidden)):
            if tuple(state.shape) != (2 * layers, batch, size):
                raise ValueError(f"{name} has shape {tuple(state.shape)}, expected "
                                 f"(num_layers * 2, batch, {size}) = {(2 * layers, batch, size)}; "
                                 "batch_first does not apply to the states.")

    index, valid = reverse_index(lengths, time)
    valid = valid[:, :, None]
    h_n, c_n, layer_input = [], [], x
    for layer in range(layers):
        if layer > 0 and lstm.training and lstm.dropout > 0:
            layer_input = F.dropout(layer_input, lstm.dropout, training=True)
        outputs = []
        for k, reverse in ((2 * layer, False), (2 * layer + 1, True)):
            seen = _gather_time(layer_input, index) if reverse else layer_input
            out, h, c = _run_direction(seen, h0[k], c0[k], _direction_weights(lstm, layer, reverse),
                                       lstm.bias, lengths)
            if reverse:
                out = _gather_time(out, index)  # back to the input's time order
            outputs.append(torch.where(valid, out, 0.0))
            h_n.append(h)
            c_n.append(c)
        layer_input = torch.cat(outputs, dim=2)
    return layer_input, (torch.stack(h_n), torch.stack(c_n))
