package jsontree

import (
	"bytes"
	"io"
	"slices"
)

// pieceSize is how much SplitReader reads at a time (a piece grows to hold a longer item).
var pieceSize = 1 << 20

// Text is text read a piece at a time: the pieces, in order, make the whole.
type Text [][]byte

// Join returns the whole text.
func (t Text) Join() []byte { return bytes.Join(t, nil) }

// SplitReader is Split for a JSON array read from r a piece at a time: each item's text goes
// to yield as soon as it has been read (and the next comma or bracket after it), so that the
// items can be worked on while the rest is read. It yields exactly the items that Split finds
// in the whole text, and ok is as Split's; when ok is false, items already yielded are not
// the array's. The pieces are never written again, so the items' text stays unchanged.
//
// It reads r to its end and returns what it read, for a caller that must then say what is
// wrong with the text; err is r's error, if any.
func SplitReader(r io.Reader, yield func(item []byte)) (text Text, ok bool, err error) {
	s := splitter{r: r, yield: yield}
	ok = s.run()
	for !s.eof && s.err == nil {
		// Refused before the end: read the rest, for the caller's error message.
		s.more(len(s.buf))
	}
	s.text = slices.DeleteFunc(s.text, func(b []byte) bool { return len(b) == 0 })
	return s.text, ok && s.err == nil, s.err
}

// splitter is SplitReader's state: buf holds the piece being read, from the start of the
// item or separator not yet finished.
type splitter struct {
	r     io.Reader
	yield func([]byte)
	buf   []byte
	eof   bool
	err   error
	text  Text
}

// more reads what follows buf, one read's worth, into the room left in buf, or into a new
// piece that starts with buf[from:] when buf is full (items already yielded keep the old one).
// It returns where buf[from] now is, and false when nothing more can be read.
func (s *splitter) more(from int) (int, bool) {
	if s.eof || s.err != nil {
		return from, false
	}
	if len(s.buf) == cap(s.buf) {
		keep := s.buf[from:]
		buf := make([]byte, len(keep), max(pieceSize, 2*len(keep)))
		copy(buf, keep)
		s.buf, from = buf, 0
	}
	n := len(s.buf)
	for idle := 0; ; {
		m, err := s.r.Read(s.buf[n:cap(s.buf)])
		n += m
		if err == io.EOF {
			s.eof = true
			break
		}
		if err != nil {
			s.err = err
			break
		}
		if m > 0 {
			break // what there is now: from a pipe, the rest may come later
		}
		if idle++; idle == 100 {
			s.err = io.ErrNoProgress // as bufio says of a reader that never gives anything
			break
		}
	}
	read := n > len(s.buf)
	s.text = append(s.text, s.buf[len(s.buf):n:n])
	s.buf = s.buf[:n]
	return from, read
}

// token returns the index of the first byte that is not space at or after i, reading more as
// needed (the index is then into the new buf); ok is false at the end of the text.
func (s *splitter) token(i int) (int, bool) {
	for {
		i = SkipSpace(s.buf, i)
		if i < len(s.buf) {
			return i, true
		}
		var read bool
		if i, read = s.more(i); !read && (s.eof || s.err != nil) {
			return 0, false
		}
	}
}

// run splits the array; false where Split would refuse the text.
func (s *splitter) run() bool {
	i, ok := s.token(0)
	if !ok || s.buf[i] != '[' {
		return false
	}
	i, ok = s.token(i + 1)
	if !ok {
		return false
	}
	if s.buf[i] == ']' {
		return s.end(i + 1)
	}
	for {
		// An item starts at i; it is done when the comma or bracket after it has been read.
		end, next := itemEnd(s.buf, i), -1
		if end > i {
			next = SkipSpace(s.buf, end)
		}
		if end < 0 || end > i && next >= len(s.buf) {
			if s.eof || s.err != nil {
				return false
			}
			i, _ = s.more(i)
			continue
		}
		if end <= i {
			return false
		}
		s.yield(s.buf[i:end:end])
		switch s.buf[next] {
		case ',':
			if i, ok = s.token(next + 1); !ok {
				return false
			}
		case ']':
			return s.end(next + 1)
		default:
			return false
		}
	}
}

// end reports whether only space follows i to the end of the text.
func (s *splitter) end(i int) bool {
	_, more := s.token(i)
	return !more
}
