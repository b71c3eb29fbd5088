"""Exact ragged batches for ``torch.nn.LSTM(bidirectional=True)`` without packing.

``pack_padded_sequence`` gives the right answer for a post-padded batch of
sequences of different lengths, but on a CPU its backward pass is many times
slower than the plain padded run. :func:`ragged_bilstm` gives the same
numbers (outputs, ``h_n``, ``c_n`` and every gradient) from plain padded runs
of PyTorch's fused LSTM, one layer at a time. The trick is one extra input
feature, a *padding flag* (1 at padded steps, 0 at real ones), whose weights
are so large that at a padded step the input gate is exactly 0 and the forget
gate exactly 1 (:func:`padding_flag_column`). Then at a padded step

- the cell state does not change: ``c_t = 1 * c_{t-1} + 0 * g_t``, so after
  the padding that *follows* a sequence, ``c`` is still its value at the
  sequence's last real step;
- a state that is zero stays zero (``c = 0``, so ``h = o * tanh(0) = 0``),
  so padding that *precedes* a sequence is neutral when the initial state is
  zero, which is the case for the backward direction of a post-padded batch.

At real steps the flag is 0 and adds exactly nothing. So, with zero initial
states, one bidirectional run over the post-padded batch (flag appended) is
exact: the forward direction's ``h`` at each sequence's end is its output
there and its ``c`` is the final ``c``; the backward direction starts on
neutral padding and ends at step 0 with exactly the packed final state.
Outputs at padded steps are set to zero, as ``pad_packed_sequence`` does.

A non-zero initial state would not survive the padding that precedes the
backward direction's first real step (``h`` becomes ``o * tanh(c_0)``). Then
the backward direction runs separately on each sequence reversed *within its
own length* (a gather: step t reads step ``lengths - 1 - t``), so that it
starts at its own last real step, and its outputs are reversed back with the
same gather (the reversal is its own inverse).

The runs call ``torch._VF.lstm``, the function that ``nn.LSTM.forward`` itself
calls, with the layer's weights plus the flag's column, so they take
PyTorch's fast fused path.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

Tensor = torch.Tensor


def _check_lstm(lstm: nn.LSTM) -> None:
    if not isinstance(lstm, torch.nn.LSTM):
        raise ValueError(f"lstm must be a torch.nn.LSTM, got {type(lstm).__name__}.")
    if not lstm.bidirectional:
        raise ValueError("lstm must be built with bidirectional=True; for a one-way LSTM "
                         "the plain padded run already gives exact outputs.")
    if not lstm.batch_first:
        raise ValueError("lstm must be built with batch_first=True (x is (batch, time, features)); "
                         "rebuild it or transpose x and use pack_padded_sequence.")


def check_ragged_inputs(lstm: nn.LSTM, x: Tensor, lengths: Any) -> Tensor:
    """Check the layer, ``x`` and ``lengths``; return lengths as an int64 tensor.

    Args:
        lstm: ``nn.LSTM(bidirectional=True, batch_first=True)``.
        x: (batch, time, input_size), post-padded.
        lengths: (batch,) integers in 1..time (list, NumPy array or tensor).

    Returns:
        (batch,) int64 tensor on ``x``'s device.
    """
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
    steps = torch.arange(time, device=lengths.device)
    source = lengths[:, None] - 1 - steps[None, :]
    valid = source >= 0
    return torch.where(valid, source, steps[None, :]), valid


def _gather_time(x: Tensor, index: Tensor) -> Tensor:
    """x: (B, T, F), index: (B, T) -> (B, T, F) with out[b, t] = x[b, index[b, t]]."""
    return x.gather(1, index[:, :, None].expand(-1, -1, x.shape[2]))


def _direction_weights(lstm: nn.LSTM, layer: int, reverse: bool) -> list[Tensor]:
    """[weight_ih, weight_hh, (bias_ih, bias_hh), (weight_hr)] of one direction, in the
    order ``torch._VF.lstm`` expects."""
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if lstm.bias else [])
    names += ["weight_hr"] if lstm.proj_size > 0 else []
    return [getattr(lstm, name + suffix) for name in names]


def padding_flag_column(weight_hh: Tensor, bias: Tensor | None = None,
                        weight_hr: Tensor | None = None) -> Tensor:
    """The input weights (4H, 1) of the padding flag of one direction.

    At a padded step the input is 0 and the flag is 1, so the pre-activation
    of gate row ``j`` is ``column[j] + (weight_hh @ h)[j] + bias[j]``.
    ``bound[j]`` is the largest the last two terms can be in absolute value
    (``|h| <= 1``, or ``|h| <=`` the row sums of ``|weight_hr|`` with
    ``proj_size``). The column is ``-(max(bound) + 800)`` on the input-gate
    rows and ``+(max(bound) + 800)`` on the forget-gate rows (PyTorch's gate
    order is i, f, g, o) and 0 elsewhere, so in float32 and float64

        i_t = sigmoid(<= -800) = 0 exactly,   f_t = sigmoid(>= 800) = 1 exactly,
        c_t = f_t * c_{t-1} + i_t * g_t = c_{t-1} bit for bit,

    and the gradients through the two saturated gates are exactly zero. The
    cell state therefore freezes at padded steps, and a zero state stays zero.

    Args:
        weight_hh: (4H, P) recurrent weights of one direction (P = H without
            ``proj_size``).
        bias: (4H,) ``bias_ih + bias_hh``, or None for a layer without biases.
        weight_hr: (P, H) projection weights with ``proj_size``, else None.

    Returns:
        (4H, 1) column, same dtype and device as ``weight_hh``, no gradient.

    Raises:
        ValueError: if ``weight_hh`` is not (4H, P) or ``bias`` not (4H,).
    """
    if weight_hh.dim() != 2 or weight_hh.shape[0] % 4:
        raise ValueError(f"weight_hh must be (4 * hidden, P), got shape {tuple(weight_hh.shape)}; "
                         "pass e.g. lstm.weight_hh_l0.")
    hidden = weight_hh.shape[0] // 4
    if bias is not None and tuple(bias.shape) != (4 * hidden,):
        raise ValueError(f"bias must be (4 * hidden,) = ({4 * hidden},), got {tuple(bias.shape)}; "
                         "pass lstm.bias_ih_l0 + lstm.bias_hh_l0.")
    with torch.no_grad():
        h_max = weight_hr.abs().sum(1).max() if weight_hr is not None else 1.0
        bound = weight_hh.abs().sum(1) * h_max
        if bias is not None:
            bound = bound + bias.abs()
        big = float(bound.max()) + 800.0
        column = weight_hh.new_zeros(4 * hidden, 1)
        column[:hidden] = -big  # input gate i -> 0
        column[hidden : 2 * hidden] = big  # forget gate f -> 1
    return column


def _flag_column(weights: list[Tensor], has_bias: bool) -> Tensor:
    """:func:`padding_flag_column` from one direction's weight list (:func:`_direction_weights`)."""
    with torch.no_grad():
        bias = weights[2] + weights[3] if has_bias else None
    weight_hr = weights[-1] if len(weights) in (3, 5) else None
    return padding_flag_column(weights[1], bias, weight_hr)


def _run(x: Tensor, flag: Tensor, h0: Tensor, c0: Tensor, directions: list[list[Tensor]],
         has_bias: bool) -> tuple[Tensor, Tensor, Tensor]:
    """One layer, one or two directions, with the padding flag appended to the input.

    Args:
        x: (B, T, D), zeros at padded steps; flag: (B, T, 1), 1 at padded steps;
            h0: (k, B, P); c0: (k, B, H), k = len(directions) (1 or 2).
        directions: the weights of each direction (:func:`_direction_weights`).

    Returns:
        outputs (B, T, k * P) (meaningless at padded steps), and the states
        after the last step, (k, B, P) and (k, B, H).
    """
    weights = []
    for w in directions:
        weights += [torch.cat([w[0], _flag_column(w, has_bias)], dim=1), *w[1:]]
    return torch._VF.lstm(torch.cat([x, flag], dim=2), (h0, c0), weights, has_bias, 1, 0.0,
                          False, len(directions) == 2, True)


def ragged_bilstm(lstm: nn.LSTM, x: Tensor, lengths: Any,
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
    flag = (~valid).to(x.dtype)  # (B, T, 1), the padding flag
    last = (lengths - 1)[:, None, None]
    h_n, c_n, layer_input = [], [], x
    for layer in range(layers):
        if layer > 0 and lstm.training and lstm.dropout > 0:
            layer_input = F.dropout(layer_input, lstm.dropout, training=True)
        layer_input = torch.where(valid, layer_input, 0.0)  # the padding values must be 0
        pair = [_direction_weights(lstm, layer, reverse) for reverse in (False, True)]
        k = slice(2 * layer, 2 * layer + 2)
        if initial_state is None:  # one bidirectional run, both directions exact
            out, h, c = _run(layer_input, flag, h0[k], c0[k], pair, lstm.bias)
            h_forward = out[..., :out_size].gather(1, last.expand(-1, 1, out_size))[:, 0]
            h_n += [h_forward, h[1]]
            c_n += [c[0], c[1]]
        else:  # backward direction on each sequence reversed within its own length
            out_f, h_f, c_f = _run(layer_input, flag, h0[k][:1], c0[k][:1], pair[:1], lstm.bias)
            reversed_input = _gather_time(layer_input, index)
            out_b, h_b, c_b = _run(reversed_input, flag, h0[k][1:], c0[k][1:], pair[1:], lstm.bias)
            out = torch.cat([out_f, _gather_time(out_b, index)], dim=2)
            h_n += [out_f.gather(1, last.expand(-1, 1, out_size))[:, 0],
                    out_b.gather(1, last.expand(-1, 1, out_size))[:, 0]]
            c_n += [c_f[0], c_b[0]]
        layer_input = torch.where(valid, out, 0.0)
    return layer_input, (torch.stack(h_n), torch.stack(c_n))


def packed_bilstm(lstm: nn.LSTM, x: Tensor, lengths: Any,
                  initial_state: tuple[Tensor, Tensor] | None = None
                  ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """The reference :func:`ragged_bilstm` is checked against: pack, run, unpack.

    Args and returns as :func:`ragged_bilstm` (``x``: (batch, time,
    input_size), post-padded; ``lengths``: (batch,) in any order, thanks to
    ``enforce_sorted=False``; output (batch, time, 2 * P) with zeros at padded
    steps, ``(h_n, c_n)`` in the original batch order).
    """
    lengths = check_ragged_inputs(lstm, x, lengths).cpu()  # packing wants lengths on the CPU
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out, state = lstm(packed, initial_state)
    return pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])[0], state
