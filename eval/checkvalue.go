package eval

import "fmt"

// CheckContextValue says whether a request context value can be read as the type a condition
// key has in the catalog (catalog.ConditionKey.Type: Bool, Numeric, Date, IPAddress and their
// ArrayOf forms); nil for other types, which take any text. The error says what is wanted,
// with an example: a value that cannot be read would make every condition on the key fail
// to match, silently.
func CheckContextValue(keyType, value string) error {
	var fam family
	var want string
	switch keyType {
	case "Bool", "ArrayOfBool":
		fam, want = famBool, "true or false"
	case "Numeric", "ArrayOfNumeric":
		fam, want = famNumeric, "a decimal number, e.g. 3600"
	case "Date", "ArrayOfDate":
		fam, want = famDate, "a date, e.g. 2025-03-01T12:00:00Z, or epoch seconds"
	case "IPAddress", "ArrayOfIPAddress":
		fam, want = famIP, "an IP address, e.g. 203.0.113.7 or 2001:db8::1"
	default:
		return nil
	}
	if !parseValue(fam, value).ok {
		return fmt.Errorf("%q is not %s (the key's type is %s)", value, want, keyType)
	}
	return nil
}
