package jsontree

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// checkSplitReader checks that SplitReader, reading data through r with pieces of size piece,
// yields what Split finds in the whole and gives the whole text back.
func checkSplitReader(t *testing.T, data []byte, piece int, r io.Reader) {
	t.Helper()
	defer func(old int) { pieceSize = old }(pieceSize)
	pieceSize = piece
	want, wantOK := Split(data)
	var got [][]byte
	text, ok, err := SplitReader(r, func(item []byte) { got = append(got, item) })
	if err != nil {
		t.Fatalf("%.60q (pieces of %d): %v", data, piece, err)
	}
	if !bytes.Equal(text.Join(), data) {
		t.Fatalf("%.60q (pieces of %d): the text given back is %.60q", data, piece, text.Join())
	}
	if ok != wantOK {
		t.Fatalf("%.60q (pieces of %d): ok %v, Split's %v", data, piece, ok, wantOK)
	}
	if !ok {
		return
	}
	if len(got) != len(want) {
		t.Fatalf("%.60q (pieces of %d): %d items, Split finds %d", data, piece, len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("%.60q (pieces of %d): item %d is %q, Split's %q", data, piece, i, got[i], want[i])
		}
	}
}

func TestSplitReaderAgreesWithSplit(t *testing.T) {
	texts := append([]string{
		`[1,22,333,"4444",{"a":[5,"]"]},[[6]],"\"",true,null]`,
		" \n[ {\"id\": 1} ,\n {\"id\":\"two\\\"\"} ] \n",
		`[1,]`, `[,1]`, `[1 2]`, `[1] x`, `[1`, `[ `, `[]`, ` [ ] `, `[]]`, `["a\\"]`, `["a\\\"]`,
		`[{"a":"}"}}]`, `[12345678901234567890]`,
	}, samples...)
	for _, text := range texts {
		data := []byte(text)
		for _, piece := range []int{1, 2, 3, 5, 8, 64, 1 << 20} {
			checkSplitReader(t, data, piece, bytes.NewReader(data))
			checkSplitReader(t, data, piece, iotest.OneByteReader(bytes.NewReader(data)))
			checkSplitReader(t, data, piece, iotest.DataErrReader(bytes.NewReader(data)))
		}
	}
}

// TestSplitReaderYieldsEarly: an item is handed over before the rest of the text is read.
func TestSplitReaderYieldsEarly(t *testing.T) {
	defer func(old int) { pieceSize = old }(pieceSize)
	pieceSize = 16
	pr, pw := io.Pipe()
	items := make(chan string)
	done := make(chan bool)
	go func() {
		_, ok, _ := SplitReader(pr, func(item []byte) { items <- string(item) })
		close(items)
		done <- ok
	}()
	go pw.Write([]byte(`[{"first":1},`))
	if got := <-items; got != `{"first":1}` {
		t.Fatalf("first item %q", got)
	}
	go func() {
		pw.Write([]byte(`{"second":2}]`))
		pw.Close()
	}()
	if got := <-items; got != `{"second":2}` {
		t.Fatalf("second item %q", got)
	}
	if <-items != "" || !<-done {
		t.Fatalf("the array was refused")
	}
}

// TestSplitReaderErrors: a read error is returned; a reader that never gives anything is
// given up on rather than waited for forever.
func TestSplitReaderErrors(t *testing.T) {
	boom := errors.New("boom")
	_, ok, err := SplitReader(io.MultiReader(strings.NewReader(`[1,`), iotest.ErrReader(boom)), func([]byte) {})
	if ok || !errors.Is(err, boom) {
		t.Errorf("read error: ok %v, err %v", ok, err)
	}
	_, ok, err = SplitReader(stuck{}, func([]byte) {})
	if ok || !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("stuck reader: ok %v, err %v", ok, err)
	}
}

type stuck struct{}

func (stuck) Read([]byte) (int, error) { return 0, nil }
