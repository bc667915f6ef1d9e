package loader

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// dateLayouts are the forms dates take in get-account-authorization-details files: ISO 8601
// with a "T" (the AWS CLI, the SDKs) or with a space (Python's str(datetime), as boto3-based
// tools such as cloudsplaining write them), with or without fractional seconds, with "Z" or a
// numeric offset, and, in hand-made files, without any zone (read as UTC).
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// parseDate reads a date in any form the dumps hold: an ISO 8601 string (see dateLayouts) or
// a number of seconds since 1970 (the IAM API's JSON form writes dates as epoch seconds with
// a fraction; a number too large for seconds is read as milliseconds). Dates are returned in
// UTC. A null or absent date is the zero time.
func parseDate(raw json.RawMessage) (time.Time, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, nil
	}
	if raw[0] == '"' {
		var s string
		if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) && len(raw) >= 2 && raw[len(raw)-1] == '"' {
			s = sharedText(raw) // as json.Unmarshal reads it, without making a string
		} else if err := json.Unmarshal(raw, &s); err != nil {
			return time.Time{}, fmt.Errorf("bad string: %v", err)
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return time.Time{}, nil
		}
		for _, layout := range dateLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("%q is not a date (want ISO 8601, as 2023-03-09T10:41:37Z)", s)
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || math.IsNaN(f) || f < 0 {
		return time.Time{}, fmt.Errorf("%s is not a date (want an ISO 8601 string or seconds since 1970)", firstBytes(raw, 30))
	}
	if f > 1e11 { // later than the year 5138 in seconds: milliseconds
		f /= 1000
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), nil
}

// firstBytes shortens raw text for a message.
func firstBytes(raw []byte, n int) string {
	if len(raw) > n {
		return string(raw[:n]) + "…"
	}
	return string(raw)
}
