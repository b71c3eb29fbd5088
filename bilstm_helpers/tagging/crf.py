r"""A linear-chain conditional random field over tag sequences (PyTorch).

A tagger's emissions :math:`e_t(y)` score tag :math:`y` at step :math:`t`; the
CRF adds a learned score :math:`A_{y y'}` for each tag following another, plus
start and end scores :math:`s_y`, :math:`f_y`. A tag sequence :math:`y_{1..n}`
scores

.. math::  \mathrm{score}(y) = s_{y_1} + \sum_{t=1}^{n} e_t(y_t) + \sum_{t=2}^{n} A_{y_{t-1} y_t} + f_{y_n},

and :math:`p(y \mid x) = \exp(\mathrm{score}(y)) / Z`. The forward algorithm
computes :math:`\log Z` over all :math:`K^n` sequences in :math:`O(n K^2)`:

.. math::  \alpha_1(y) = s_y + e_1(y), \quad
           \alpha_t(y) = e_t(y) + \log \sum_{y'} \exp(\alpha_{t-1}(y') + A_{y' y}), \quad
           \log Z = \log \sum_y \exp(\alpha_n(y) + f_y).

Viterbi decoding is the same recursion with max in place of log-sum-exp,
plus back-pointers. Each sequence of a padded batch stops at its own length.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


class LinearChainCRF(nn.Module):
    """Transition, start and end scores over ``num_tags`` tags.

    Attributes:
        transitions: (num_tags, num_tags), ``transitions[i, j]``: tag j after tag i.
        start: (num_tags,) score of each tag as the first.
        end: (num_tags,) score of each tag as the last.
    """

    def __init__(self, num_tags: int) -> None:
        super().__init__()
        if num_tags < 1:
            raise ValueError(f"num_tags must be >= 1, got {num_tags}.")
        self.num_tags = num_tags
        self.transitions = nn.Parameter(torch.zeros(num_tags, num_tags))
        self.start = nn.Parameter(torch.zeros(num_tags))
        self.end = nn.Parameter(torch.zeros(num_tags))

    def _check(self, emissions: Tensor, lengths: Tensor) -> Tensor:
        if emissions.dim() != 3 or emissions.shape[2] != self.num_tags:
            raise ValueError(f"emissions must be (batch, time, {self.num_tags}), got {tuple(emissions.shape)}.")
        lengths = torch.as_tensor(lengths, device=emissions.device)
        if lengths.shape != (emissions.shape[0],) or lengths.min() < 1 or lengths.max() > emissions.shape[1]:
            raise ValueError(f"lengths must be (batch,) = ({emissions.shape[0]},) with values in "
                             f"1..{emissions.shape[1]}, got {lengths.tolist()}.")
        return lengths

    def score(self, emissions: Tensor, tags: Tensor, lengths: Tensor) -> Tensor:
        """The score of the given tag sequences.

        Args:
            emissions: (batch, time, num_tags).
            tags: (batch, time) int64; values after each length are ignored.
            lengths: (batch,) real steps per sequence.

        Returns:
            score: (batch,).
        """
        lengths = self._check(emissions, lengths)
        batch, time, _ = emissions.shape
        steps = torch.arange(time, device=emissions.device)
        real = steps[None, :] < lengths[:, None]  # (B, T)
        tags = torch.where(real, tags, 0)
        emitted = emissions.gather(2, tags[..., None])[..., 0]  # (B, T)
        total = self.start[tags[:, 0]] + (emitted * real).sum(1)
        if time > 1:
            moves = self.transitions[tags[:, :-1], tags[:, 1:]]  # (B, T-1)
            total = total + (moves * real[:, 1:]).sum(1)
        last = tags.gather(1, (lengths - 1)[:, None])[:, 0]
        return total + self.end[last]

    def log_partition(self, emissions: Tensor, lengths: Tensor) -> Tensor:
        """:math:`\\log Z` of each sequence by the forward algorithm.

        Args:
            emissions: (batch, time, num_tags).
            lengths: (batch,).

        Returns:
            log_z: (batch,).
        """
        lengths = self._check(emissions, lengths)
        alpha = self.start + emissions[:, 0]  # (B, K)
        for t in range(1, emissions.shape[1]):
            step = torch.logsumexp(alpha[:, :, None] + self.transitions[None], dim=1) + emissions[:, t]
            alpha = torch.where((t < lengths)[:, None], step, alpha)  # finished sequences keep theirs
        return torch.logsumexp(alpha + self.end, dim=1)

    def neg_log_likelihood(self, emissions: Tensor, tags: Tensor, lengths: Tensor) -> Tensor:
        """Mean over the batch of :math:`\\log Z - \\mathrm{score}(y)`, the training loss.

        Args:
            emissions: (batch, time, num_tags); tags: (batch, time); lengths: (batch,).
        """
        return (self.log_partition(emissions, lengths) - self.score(emissions, tags, lengths)).mean()

    def decode(self, emissions: Tensor, lengths: Tensor) -> list[list[int]]:
        """The highest-scoring tag sequence of each sequence (Viterbi).

        Args:
            emissions: (batch, time, num_tags); lengths: (batch,).

        Returns:
            paths: one list of ``lengths[b]`` tag ids per sequence.
        """
        lengths = self._check(emissions, lengths)
        with torch.no_grad():
            best = self.start + emissions[:, 0]  # (B, K)
            pointers = []
            for t in range(1, emissions.shape[1]):
                candidates = best[:, :, None] + self.transitions[None]  # (B, K from, K to)
                step_best, step_from = candidates.max(dim=1)
                running = (t < lengths)[:, None]
                best = torch.where(running, step_best + emissions[:, t], best)
                # a finished sequence points each tag to itself, so backtracking passes through
                keep = torch.arange(self.num_tags, device=emissions.device).expand_as(step_from)
                pointers.append(torch.where(running, step_from, keep))
            tag = (best + self.end).argmax(dim=1)  # (B,)
            path = [tag]
            for pointer in reversed(pointers):
                tag = pointer.gather(1, tag[:, None])[:, 0]
                path.append(tag)
            full = torch.stack(path[::-1], dim=1)  # (B, T)
        return [full[b, :n].tolist() for b, n in enumerate(lengths.tolist())]
