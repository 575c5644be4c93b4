"""Enterprise names as a register holds them: a place, a two-character trade name (字号), the trade, the form.

杭州瑞丰网络科技有限公司, 浙江嘉禾物流有限公司, 杭州市拱墅区晨阳便利店. Names are unique, as the register
requires: a name already taken draws another trade name, never a "(2)" suffix.
"""

from __future__ import annotations

import numpy as np

from data_access.demo import vocabulary as vocab

MAX_ROUNDS = 50


def enterprise_names(rng: np.random.Generator, industry: np.ndarray, individual: np.ndarray,
                     taken: set[str] | frozenset[str] = frozenset()) -> np.ndarray:
    """One unique name per enterprise, for its industry; individual businesses get shop names. Names in
    taken (held by enterprises already registered) are drawn again too."""
    names = _draw(rng, industry, individual)
    for _ in range(MAX_ROUNDS):
        repeated = _repeats(names)
        if taken:
            repeated |= np.isin(names, list(taken))
        if not repeated.any():
            return names
        names[repeated] = _draw(rng, industry[repeated], individual[repeated])
    raise RuntimeError("enterprise names: too many enterprises for the trade names")


def _repeats(names: np.ndarray) -> np.ndarray:
    """True for every name that an earlier row already holds."""
    _, first = np.unique(names, return_index=True)
    repeated = np.ones(len(names), dtype=bool)
    repeated[first] = False
    return repeated


def _draw(rng: np.random.Generator, industry: np.ndarray, individual: np.ndarray) -> np.ndarray:
    size = len(industry)
    chars = np.array(vocab.BRAND_CHARS)
    first = rng.integers(0, len(chars), size)
    second = (first + rng.integers(1, len(chars), size)) % len(chars)  # never the same character twice
    brand = np.char.add(chars[first], chars[second])
    forms = list(vocab.COMPANY_FORMS)
    shares = np.array(list(vocab.COMPANY_FORMS.values()))
    form = rng.choice(len(forms), size, p=shares / shares.sum())
    pick = rng.integers(0, 1000, size)
    out = []
    for i in range(size):
        if individual[i]:
            shops = vocab.SHOP_WORDS.get(industry[i], vocab.SHOP_OTHERWISE)
            out.append(f"杭州市拱墅区{brand[i]}{shops[pick[i] % len(shops)]}")
        else:
            trades = vocab.INDUSTRY_WORDS[industry[i]]
            out.append(forms[form[i]].format(brand[i] + trades[pick[i] % len(trades)]))
    return np.array(out, dtype=object)
