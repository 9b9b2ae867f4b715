"""Writes data/pride-and-prejudice.txt: chapters 1-6 of Jane Austen's Pride and Prejudice (1813,
public domain), taken from Debian's r-cran-janeaustenr package (the Project Gutenberg text as
CRAN's janeaustenr ships it, MIT-licensed packaging). R is not needed: this reads R's lazy-load
database (.rdx/.rdb, XDR serialisation) directly, enough for character vectors.

    apt-get download r-cran-janeaustenr && dpkg-deb -x r-cran-janeaustenr_*.deb /tmp/ja
    python3 apps/examples/scripts/extract-austen.py /tmp/ja/usr/lib/R/site-library/janeaustenr/data/Rdata
"""
import gzip
import os
import re
import struct
import sys
import zlib


class Reader:
    """R's unserialize() for the XDR format: vectors, pairlists, symbols, references."""

    def __init__(self, b):
        assert b[:2] == b'X\n', 'not an XDR serialisation'
        self.b, self.p, self.refs = b, 2, []
        version = self.int()
        self.int(), self.int()
        if version == 3:
            n = self.int()  # then the native encoding's name
            self.p += n

    def int(self):
        v = struct.unpack('>i', self.b[self.p:self.p + 4])[0]
        self.p += 4
        return v

    def length(self):
        n = self.int()
        return (self.int() << 32) + self.int() if n == -1 else n

    def item(self):
        flags = self.int()
        t, has_attr, has_tag = flags & 0xFF, flags & (1 << 9), flags & (1 << 10)
        if t == 254:  # NILVALUE
            return None
        if t == 255:  # REFSXP
            return self.refs[(flags >> 8 or self.int()) - 1]
        if t == 1:  # SYMSXP
            sym = ('sym', self.item())
            self.refs.append(sym)
            return sym
        if t in (2, 6):  # LISTSXP, LANGSXP
            attr = self.item() if has_attr else None
            tag = self.item() if has_tag else None
            return ('pair', tag, self.item(), self.item(), attr)
        if t == 9:  # CHARSXP
            n = self.int()
            if n == -1:
                return None
            s = self.b[self.p:self.p + n].decode('utf-8')
            self.p += n
            return s
        n = self.length()
        if t in (10, 13):  # LGLSXP, INTSXP
            v = struct.unpack('>%di' % n, self.b[self.p:self.p + 4 * n])
            self.p += 4 * n
        elif t == 14:  # REALSXP
            v = struct.unpack('>%dd' % n, self.b[self.p:self.p + 8 * n])
            self.p += 8 * n
        elif t in (16, 19):  # STRSXP, VECSXP
            v = [self.item() for _ in range(n)]
        else:
            raise ValueError('unsupported SEXP type %d' % t)
        return ('vec', t, v, self.item() if has_attr else None)


def attrs(pairlist):
    out = {}
    while pairlist is not None:
        out[pairlist[1][1]] = pairlist[2]
        pairlist = pairlist[3]
    return out


def load(prefix):
    index = Reader(gzip.decompress(open(prefix + '.rdx', 'rb').read())).item()
    fields = dict(zip(attrs(index[3])['names'][2], index[2]))
    variables = fields['variables']
    db = open(prefix + '.rdb', 'rb').read()
    out = {}
    for name, where in zip(attrs(variables[3])['names'][2], variables[2]):
        off, n = where[2]
        out[name] = Reader(zlib.decompress(db[off + 4:off + n])).item()[2]  # 4-byte length, zlib
    return out


def main():
    lines = load(sys.argv[1])['prideprejudice']
    text = '\n'.join(line or '' for line in lines)
    end = re.search(r'^Chapter 7$', text, re.M).start()
    out = os.path.join(os.path.dirname(__file__), '..', 'data', 'pride-and-prejudice.txt')
    with open(out, 'w', encoding='utf-8') as f:
        f.write(text[:end].rstrip() + '\n')
    print('wrote %s (%d characters)' % (out, len(text[:end].rstrip()) + 1))


if __name__ == '__main__':
    main()
