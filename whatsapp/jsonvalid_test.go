package whatsapp

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestValidJSON(t *testing.T) {
	for _, s := range []string{
		`{}`, ` [ ] `, `{"a":[1,-0.5e+3,true,false,null,"\u00e9\n"]}`, `"x"`, `0`, `-1E9`,
		`{"a":{"b":{}}}`, "\"\xff\"", strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		`{`, `{"a"}`, `{"a":}`, `[1,]`, `{"a":1,}`, `01`, `1.`, `.5`, `-`, `1e`, `tru`, `nul`,
		`"\x"`, `"\u12g4"`, "\"a\x01\"", `"abc`, `{} {}`, `{"":[A]}`, ``, ` `, `[1 2]`, `{"a":1 "b":2}`,
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	} {
		if got, want := validJSON([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("validJSON(%.60q) = %v, json.Valid says %v", s, got, want)
		}
	}
}

// FuzzValidJSON holds validJSON to json.Valid on any input.
func FuzzValidJSON(f *testing.F) {
	for _, s := range []string{`{"object":"x","entry":[{"id":1.5e3,"changes":[]}]}`, `[1,"\u0041",{}]`, `{"a":nul}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Fatalf("validJSON(%q) = %v, json.Valid says %v", b, got, want)
		}
	})
}

// TestWireFields checks that each wire type decodes every JSON field of
// the public type it stands for, so a field added to one is not silently
// dropped by ParseWebhook.
func TestWireFields(t *testing.T) {
	for _, pair := range [][2]any{
		{GroupEvent{}, wireGroupEvent{}}, {SettingResult{}, wireSettingResult{}},
		{Status{}, wireStatus{}}, {Pricing{}, wirePricing{}}, {Metadata{}, wireMetadata{}},
		{Value{}, wireValue{}}, {Change{}, wireChange{}}, {Entry{}, wireEntry{}}, {Payload{}, wirePayload{}},
	} {
		wire := map[string]bool{}
		wt := reflect.TypeOf(pair[1])
		for i := range wt.NumField() {
			wire[jsonName(wt.Field(i))] = true
		}
		pt := reflect.TypeOf(pair[0])
		for i := range pt.NumField() {
			if name := jsonName(pt.Field(i)); !wire[name] {
				t.Errorf("%s has no field %q of %s", wt.Name(), name, pt.Name())
			}
		}
	}
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}
