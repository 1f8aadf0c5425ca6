package whatsapp

// validJSON reports whether b is exactly one JSON value, as json.Valid
// does, at several times its speed: go-json, which decodes webhooks,
// does not check the syntax of the fields it skips, and a body that is
// not JSON must still be refused. Like json.Valid it accepts any byte
// from 0x20 up inside strings and refuses nesting deeper than 10,000.
func validJSON(b []byte) bool {
	ok, _ := scanJSON(b)
	return ok
}

// scanJSON is validJSON that also reports whether every object key is
// plain: lower-case ASCII without escapes, as in all of Meta's payloads.
// encoding/json matches other keys to fields case-insensitively (with
// Unicode folding), and go-json does not always do the same.
func scanJSON(b []byte) (valid, plainKeys bool) {
	v := validator{b: b, plainKeys: true}
	v.space()
	if !v.value(0) {
		return false, false
	}
	v.space()
	return v.i == len(b), v.plainKeys
}

const maxNesting = 10000 // encoding/json's limit

type validator struct {
	b         []byte
	i         int
	plainKeys bool
}

func (v *validator) space() {
	for v.i < len(v.b) {
		switch v.b[v.i] {
		case ' ', '\t', '\n', '\r':
			v.i++
		default:
			return
		}
	}
}

func (v *validator) value(depth int) bool {
	if v.i >= len(v.b) {
		return false
	}
	switch c := v.b[v.i]; {
	case c == '{':
		return v.object(depth + 1)
	case c == '[':
		return v.array(depth + 1)
	case c == '"':
		return v.str()
	case c == 't':
		return v.word("true")
	case c == 'f':
		return v.word("false")
	case c == 'n':
		return v.word("null")
	case c == '-' || c >= '0' && c <= '9':
		return v.number()
	}
	return false
}

func (v *validator) word(w string) bool {
	if len(v.b)-v.i < len(w) || string(v.b[v.i:v.i+len(w)]) != w {
		return false
	}
	v.i += len(w)
	return true
}

// object and array are entered on their opening bracket.
func (v *validator) object(depth int) bool {
	if depth > maxNesting {
		return false
	}
	v.i++
	v.space()
	if v.i < len(v.b) && v.b[v.i] == '}' {
		v.i++
		return true
	}
	for {
		if v.i >= len(v.b) || v.b[v.i] != '"' {
			return false
		}
		start := v.i
		if !v.str() {
			return false
		}
		if v.plainKeys && !plainKey(v.b[start:v.i]) {
			v.plainKeys = false
		}
		v.space()
		if v.i >= len(v.b) || v.b[v.i] != ':' {
			return false
		}
		v.i++
		v.space()
		if !v.value(depth) {
			return false
		}
		if done, ok := v.next('}'); !ok || done {
			return ok
		}
	}
}

func (v *validator) array(depth int) bool {
	if depth > maxNesting {
		return false
	}
	v.i++
	v.space()
	if v.i < len(v.b) && v.b[v.i] == ']' {
		v.i++
		return true
	}
	for {
		if !v.value(depth) {
			return false
		}
		if done, ok := v.next(']'); !ok || done {
			return ok
		}
	}
}

// next reads what follows an element: a comma (more to come) or the
// closing bracket (done).
func (v *validator) next(closing byte) (done, ok bool) {
	v.space()
	if v.i >= len(v.b) {
		return false, false
	}
	switch v.b[v.i] {
	case ',':
		v.i++
		v.space()
		return false, true
	case closing:
		v.i++
		return true, true
	}
	return false, false
}

func (v *validator) str() bool {
	v.i++ // the opening quote
	for v.i < len(v.b) {
		c := v.b[v.i]
		v.i++
		switch {
		case c == '"':
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if !v.escape() {
				return false
			}
		}
	}
	return false
}

func (v *validator) escape() bool {
	if v.i >= len(v.b) {
		return false
	}
	e := v.b[v.i]
	v.i++
	switch e {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return true
	case 'u':
		if len(v.b)-v.i < 4 {
			return false
		}
		for _, h := range v.b[v.i : v.i+4] {
			if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
				return false
			}
		}
		v.i += 4
		return true
	}
	return false
}

func (v *validator) number() bool {
	if v.b[v.i] == '-' {
		v.i++
	}
	if v.i < len(v.b) && v.b[v.i] == '0' {
		v.i++
	} else if !v.digits() {
		return false
	}
	if v.i < len(v.b) && v.b[v.i] == '.' {
		v.i++
		if !v.digits() {
			return false
		}
	}
	if v.i < len(v.b) && (v.b[v.i] == 'e' || v.b[v.i] == 'E') {
		v.i++
		if v.i < len(v.b) && (v.b[v.i] == '+' || v.b[v.i] == '-') {
			v.i++
		}
		if !v.digits() {
			return false
		}
	}
	return true
}

// digits consumes one or more decimal digits.
func (v *validator) digits() bool {
	start := v.i
	for v.i < len(v.b) && v.b[v.i] >= '0' && v.b[v.i] <= '9' {
		v.i++
	}
	return v.i > start
}

func plainKey(k []byte) bool {
	for _, c := range k {
		if c >= 'A' && c <= 'Z' || c >= 0x80 || c == '\\' {
			return false
		}
	}
	return true
}
