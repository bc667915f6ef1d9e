package jsontree

import "bytes"

// LineCol turns a byte offset (as encoding/json reports it: the count of bytes read) into a
// 1-based line and column, for error messages that name a place in a JSON file.
func LineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 1 {
		offset = 1
	}
	before := data[:offset-1]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}
