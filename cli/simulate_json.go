package cli

import (
	"encoding/json"

	"github.com/iamscope/iamscope/eval"
)

// appendResults appends the results as a JSON array, byte for byte as encoding/json's Encoder
// writes them without indent (newline included). A result that is only an id with a decision
// or an error, in text that needs no escaping, is written directly; any other goes through
// encoding/json.
func appendResults(buf []byte, results []eval.CaseResult) ([]byte, error) {
	buf = append(buf, '[')
	for i := range results {
		if i > 0 {
			buf = append(buf, ',')
		}
		r := &results[i]
		if r.Conditions == nil && r.Explanation == nil && len(r.ID) > 0 && plainJSON(r.ID) && plainText(string(r.Decision)) &&
			plainText(r.AllowedIf) && plainText(r.Error) {
			buf = appendPlainResult(buf, r)
			continue
		}
		b, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		buf = append(buf, b...)
	}
	return append(buf, ']', '\n'), nil
}

// appendPlainResult writes a result whose text plainJSON and plainText have checked.
func appendPlainResult(buf []byte, r *eval.CaseResult) []byte {
	buf = append(buf, `{"id":`...)
	buf = append(buf, r.ID...)
	field := func(name, value string) {
		if value != "" {
			buf = append(buf, `,"`...)
			buf = append(buf, name...)
			buf = append(buf, `":"`...)
			buf = append(buf, value...)
			buf = append(buf, '"')
		}
	}
	field("decision", string(r.Decision))
	field("allowedIf", r.AllowedIf)
	field("error", r.Error)
	return append(buf, '}')
}

// plainText reports whether encoding/json writes s between quotes as it is: printable ASCII
// without quotes, backslashes or the characters it escapes for HTML.
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// plainJSON reports whether encoding/json writes the raw JSON as it is: printable ASCII
// without space to remove or characters it escapes for HTML.
func plainJSON(raw json.RawMessage) bool {
	for _, c := range raw {
		if c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
