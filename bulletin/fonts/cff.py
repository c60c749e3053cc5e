"""A small subsetter for CID-keyed CFF fonts (the outlines of OpenType/CFF
CJK faces such as Fandol and Noto CJK), for embedding as PDF FontFile3.

The glyph programs are copied byte for byte: no charstring is decoded,
except to find which subroutines the kept glyphs call (unused ones are
emptied, so subroutine numbers stay valid). The output depends only on the
source font and the set of glyphs, never on the order they were asked for.
"""

from __future__ import annotations

import struct

# Top DICT and Font DICT operators whose operands are offsets into the CFF
# data (rewritten), and those that do not belong in a subset (dropped).
_CHARSET, _ENCODING, _CHARSTRINGS, _PRIVATE = (15,), (16,), (17,), (18,)
_FDARRAY, _FDSELECT = (12, 36), (12, 37)
_SUBRS = (19,)
_OFFSET_OPS = {_CHARSET, _CHARSTRINGS, _FDARRAY, _FDSELECT}



def charstring_number(data: bytes, i: int) -> tuple[int | float, int]:
    """The Type 2 charstring operand at data[i] (a byte of 28 or 32–255) and
    the offset after it; a 16.16 fixed number comes back as a float."""
    b = data[i]
    if b == 28:
        return struct.unpack_from(">h", data, i + 1)[0], i + 3
    if b <= 246:
        return b - 139, i + 1
    if b <= 250:
        return (b - 247) * 256 + data[i + 1] + 108, i + 2
    if b <= 254:
        return -(b - 251) * 256 - data[i + 1] - 108, i + 2
    return struct.unpack_from(">l", data, i + 1)[0] / 65536.0, i + 5

class CFFError(ValueError):
    pass


class _Index:
    """A CFF INDEX read in place: ``index[i]`` is the (start, end) of entry i."""

    __slots__ = ("count", "data", "end", "first", "off_size")

    def __init__(self, data, pos: int):
        (self.count,) = struct.unpack_from(">H", data, pos)
        self.data = data
        if self.count == 0:
            self.off_size, self.first, self.end = 1, pos + 2, pos + 2
            return
        self.off_size = data[pos + 2]
        self.first = pos + 3  # the offset array; data starts after it
        self.end = self._offset(self.count)

    def _offset(self, i: int) -> int:
        at = self.first + i * self.off_size
        base = self.first + (self.count + 1) * self.off_size - 1
        return base + int.from_bytes(self.data[at : at + self.off_size], "big")

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i: int) -> tuple[int, int]:
        if not 0 <= i < self.count:
            raise IndexError(i)
        return self._offset(i), self._offset(i + 1)

    def __iter__(self):
        return (self[i] for i in range(self.count))


def _read_index(data, pos: int):
    """(the INDEX at ``pos``, the position after it)."""
    index = _Index(data, pos)
    return index, index.end


def _write_index(items: list[bytes]) -> bytes:
    if not items:
        return b"\0\0"
    total = sum(map(len, items)) + 1
    off_size = 1 if total < 0x100 else 2 if total < 0x10000 else 3 if total < 0x1000000 else 4
    offsets, at = [], 1
    for item in items:
        offsets.append(at)
        at += len(item)
    offsets.append(at)
    if off_size == 1:
        packed = bytes(offsets)
    elif off_size == 2:
        packed = struct.pack(f">{len(offsets)}H", *offsets)
    elif off_size == 4:
        packed = struct.pack(f">{len(offsets)}L", *offsets)
    else:
        packed = b"".join(o.to_bytes(3, "big") for o in offsets)
    return struct.pack(">HB", len(items), off_size) + packed + b"".join(items)


def _parse_dict(data: bytes):
    """[(operator, [operand values], raw operand bytes)] of a DICT."""
    out, operands, start, i, n = [], [], 0, 0, len(data)
    while i < n:
        b = data[i]
        if b <= 21:
            if b == 12:
                op, i = (12, data[i + 1]), i + 2
            else:
                op, i = (b,), i + 1
            out.append((op, operands, data[start : i - len(op)]))
            operands, start = [], i
        elif b == 28:
            operands.append(struct.unpack_from(">h", data, i + 1)[0])
            i += 3
        elif b == 29:
            operands.append(struct.unpack_from(">l", data, i + 1)[0])
            i += 5
        elif b == 30:  # real number: nibbles up to an 0xf nibble; value unused here
            i += 1
            while i < n and (data[i] & 0x0F) != 0x0F and (data[i] >> 4) != 0x0F:
                i += 1
            i += 1
            operands.append(None)
        elif b <= 246:
            operands.append(b - 139)
            i += 1
        elif b <= 250:
            operands.append((b - 247) * 256 + data[i + 1] + 108)
            i += 2
        elif b <= 254:
            operands.append(-(b - 251) * 256 - data[i + 1] - 108)
            i += 2
        else:
            raise CFFError("reserved byte in a DICT")
    return out


def _op_bytes(op: tuple) -> bytes:
    return bytes(op)


def _int5(v: int) -> bytes:
    return b"\x1d" + struct.pack(">l", v)


def _bias(count: int) -> int:
    return 107 if count < 1240 else 1131 if count < 33900 else 32768


class CFF:
    """A parsed CID-keyed CFF table (offsets only; data is not copied)."""

    def __init__(self, data):
        self.data = data
        if data[0] != 1:
            raise CFFError("not a CFF version 1 table")
        hdr_size = data[2]
        names, pos = _read_index(data, hdr_size)
        pos_after_names = pos
        tops, pos = _read_index(data, pos)
        if len(tops) != 1:
            raise CFFError("a CFF table with more than one font")
        self.header = bytes(data[:hdr_size])
        self.name_index = bytes(data[hdr_size:pos_after_names])
        top_start = pos
        self.strings, pos = _read_index(data, pos)
        self.string_index = bytes(data[top_start:pos])
        self.gsubrs, pos = _read_index(data, pos)
        self.top = _parse_dict(bytes(data[tops[0][0] : tops[0][1]]))
        ops = {op: vals for op, vals, _raw in self.top}
        if (12, 30) not in ops:
            raise CFFError("not a CID-keyed CFF font")
        if ops.get((12, 6), [2])[0] != 2:
            raise CFFError("not Type 2 charstrings")
        self.charstrings, _ = _read_index(data, ops[_CHARSTRINGS][0])
        self.num_glyphs = len(self.charstrings)
        self.cids = self._charset(ops[_CHARSET][0])
        self.fd_of = self._fdselect(ops[_FDSELECT][0])
        self.fds = []
        for start, end in _read_index(data, ops[_FDARRAY][0])[0]:
            fd = _parse_dict(bytes(data[start:end]))
            private = next((vals for op, vals, _ in fd if op == _PRIVATE), None)
            priv_dict, subrs = [], []
            if private:
                size, offset = private
                priv_dict = _parse_dict(bytes(data[offset : offset + size]))
                sub = next((vals for op, vals, _ in priv_dict if op == _SUBRS), None)
                if sub:
                    subrs = _read_index(data, offset + sub[0])[0]
            self.fds.append((fd, priv_dict, subrs))
        self.ros = self._ros(ops[(12, 30)])
        self.has_subrs = bool(self.gsubrs) or any(subrs for _fd, _p, subrs in self.fds)

    def _ros(self, operands) -> tuple[str, str, int]:
        names = []
        for sid in operands[:2]:
            k = sid - 391  # SIDs below 391 are CFF's standard strings, never a registry
            if 0 <= k < len(self.strings):
                s, e = self.strings[k]
                names.append(bytes(self.data[s:e]).decode("latin-1"))
            else:
                names.append("Adobe" if not names else "Identity")
        return names[0], names[1], operands[2]

    def _charset(self, offset: int) -> list[int]:
        """GID → CID."""
        data, n = self.data, self.num_glyphs
        cids = [0]
        fmt = data[offset]
        pos = offset + 1
        if fmt == 0:
            cids.extend(struct.unpack_from(f">{n - 1}H", data, pos))
        elif fmt in (1, 2):
            size = 1 if fmt == 1 else 2
            while len(cids) < n:
                first = struct.unpack_from(">H", data, pos)[0]
                left = data[pos + 2] if size == 1 else struct.unpack_from(">H", data, pos + 2)[0]
                cids.extend(range(first, first + left + 1))
                pos += 2 + size
            del cids[n:]
        else:
            raise CFFError(f"charset format {fmt}")
        return cids

    def _fdselect(self, offset: int) -> list[int] | bytes:
        data, n = self.data, self.num_glyphs
        fmt = data[offset]
        if fmt == 0:
            return bytes(data[offset + 1 : offset + 1 + n])
        if fmt != 3:
            raise CFFError(f"FDSelect format {fmt}")
        (count,) = struct.unpack_from(">H", data, offset + 1)
        out = bytearray(n)
        pos = offset + 3
        for _ in range(count):
            first, fd = struct.unpack_from(">HB", data, pos)
            (nxt,) = struct.unpack_from(">H", data, pos + 3)
            out[first:nxt] = bytes((fd,)) * (nxt - first)
            pos += 3
        return bytes(out)

    # -- subroutine closure ---------------------------------------------------
    def _used_subrs(self, gids: list[int]):
        """(global subr numbers, {fd: local subr numbers}) the glyphs call."""
        used_g: set[int] = set()
        used_l: dict[int, set[int]] = {}
        gbias = _bias(len(self.gsubrs))
        for gid in gids:
            fd = self.fd_of[gid]
            lsubrs = self.fds[fd][2]
            state = {"stems": 0, "stack": 0, "done": False}
            local = used_l.setdefault(fd, set())
            self._walk(self.charstrings[gid], state, lsubrs, _bias(len(lsubrs)), local, gbias, used_g, 0)
        return used_g, used_l

    def _walk(self, span, state, lsubrs, lbias, used_l, gbias, used_g, depth) -> None:
        if depth > 10:
            raise CFFError("subroutines nested too deep")
        data = self.data
        i, end = span
        stack: list = state.setdefault("values", [])
        while i < end and not state["done"]:
            b = data[i]
            if b >= 32 or b == 28:
                value, i = charstring_number(data, i)
                stack.append(value)
                continue
            i += 1
            if b in (1, 3, 18, 23):  # hstem vstem hstemhm vstemhm
                state["stems"] += len(stack) // 2
                stack.clear()
            elif b in (19, 20):  # hintmask cntrmask (an implicit vstem first)
                state["stems"] += len(stack) // 2
                stack.clear()
                i += (state["stems"] + 7) // 8
            elif b in (10, 29):  # callsubr callgsubr
                if not stack or not isinstance(stack[-1], int):  # a 16.16 fixed is never a subr number
                    raise CFFError("a computed subroutine number")
                if b == 10:
                    n = stack.pop() + lbias
                    if not 0 <= n < len(lsubrs):
                        raise CFFError("local subroutine out of range")
                    used_l.add(n)
                    self._walk(lsubrs[n], state, lsubrs, lbias, used_l, gbias, used_g, depth + 1)
                else:
                    n = stack.pop() + gbias
                    if not 0 <= n < len(self.gsubrs):
                        raise CFFError("global subroutine out of range")
                    used_g.add(n)
                    self._walk(self.gsubrs[n], state, lsubrs, lbias, used_l, gbias, used_g, depth + 1)
            elif b == 11:  # return
                return
            elif b == 14:  # endchar
                state["done"] = True
                return
            elif b == 12:
                i += 1
                stack.clear()  # flex and arithmetic: no subr numbers computed in practice
            else:
                stack.clear()

    # -- output ---------------------------------------------------------------
    def subset(self, gids) -> bytes:
        """The CFF table holding glyph 0 and ``gids`` (in GID order), with
        their CIDs: a PDF shows them with the same codes as in the source."""
        data = self.data
        gids = sorted(set(gids) | {0})
        if gids[-1] >= self.num_glyphs:
            raise CFFError("glyph id out of range")
        if self.has_subrs:
            used_g, used_l = self._used_subrs(gids)
        else:
            used_g, used_l = set(), {}

        def entries(spans, keep):
            return [bytes(data[s:e]) if k in keep else b"" for k, (s, e) in enumerate(spans)]

        gsubr_index = _write_index(entries(self.gsubrs, used_g)) if self.gsubrs else b"\0\0"
        cids = self.cids
        charset = b"\0" + struct.pack(f">{len(gids) - 1}H", *(cids[g] for g in gids[1:]))
        fd_of = self.fd_of
        ranges = []
        for new, g in enumerate(gids):
            fd = fd_of[g]
            if not ranges or ranges[-1][1] != fd:
                ranges.append((new, fd))
        fdselect = struct.pack(">BH", 3, len(ranges)) + b"".join(struct.pack(">HB", a, b) for a, b in ranges)
        fdselect += struct.pack(">H", len(gids))
        charstrings = _write_index([bytes(data[s:e]) for s, e in (self.charstrings[g] for g in gids)])

        # Private DICTs (with their local subrs right after them).
        privates = []
        for k, (_fd, priv, lsubrs) in enumerate(self.fds):
            keep = used_l.get(k, set())
            body = b"".join(raw + _op_bytes(op) for op, _v, raw in priv if op != _SUBRS)
            if lsubrs and keep:
                sub_index = _write_index(entries(lsubrs, keep))
                body += _int5(len(body) + 6) + _op_bytes(_SUBRS)
            else:
                sub_index = b""
            privates.append((body, sub_index))

        def top_dict(offsets) -> bytes:
            out = []
            for op, _v, raw in self.top:
                if op in _OFFSET_OPS:
                    out.append(_int5(offsets[op]) + _op_bytes(op))
                elif op not in (_ENCODING, _PRIVATE):
                    out.append(raw + _op_bytes(op))
            return b"".join(out)

        def fd_dicts(priv_offsets) -> list[bytes]:
            out = []
            for k, (fd, _p, _s) in enumerate(self.fds):
                parts = []
                for op, _v, raw in fd:
                    if op == _PRIVATE:
                        parts.append(_int5(len(privates[k][0])) + _int5(priv_offsets[k]) + _op_bytes(op))
                    else:
                        parts.append(raw + _op_bytes(op))
                out.append(b"".join(parts))
            return out

        zero = dict.fromkeys(_OFFSET_OPS, 0)
        top_size = len(_write_index([top_dict(zero)]))
        fd_size = len(_write_index(fd_dicts([0] * len(self.fds))))
        at = len(self.header) + len(self.name_index) + top_size + len(self.string_index) + len(gsubr_index)
        offsets = {_CHARSET: at}
        at += len(charset)
        offsets[_FDSELECT] = at
        at += len(fdselect)
        offsets[_CHARSTRINGS] = at
        at += len(charstrings)
        offsets[_FDARRAY] = at
        at += fd_size
        priv_offsets = []
        for body, sub_index in privates:
            priv_offsets.append(at)
            at += len(body) + len(sub_index)
        return b"".join(
            [
                self.header,
                self.name_index,
                _write_index([top_dict(offsets)]),
                self.string_index,
                gsubr_index,
                charset,
                fdselect,
                charstrings,
                _write_index(fd_dicts(priv_offsets)),
            ]
            + [body + sub for body, sub in privates]
        )
