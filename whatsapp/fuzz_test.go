package whatsapp

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func FuzzParseWebhook(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed fixtures: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"statuses":[{"timestamp":1e30}]}}]}]}`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"errors":[{"code":"x"}]}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := ParseWebhook(body)
		if err != nil {
			if p != nil {
				t.Fatal("payload returned with error")
			}
			return
		}
		if p.Object != ObjectWABA {
			t.Fatalf("accepted object %q", p.Object)
		}
		// Whatever we accept must re-encode and parse to the same thing;
		// the simulator relies on that symmetry.
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if _, err := ParseWebhook(b); err != nil {
			t.Fatalf("re-parse of own output failed: %v\n%s", err, b)
		}
	})
}

func FuzzVerifySignature(f *testing.F) {
	f.Add("secret", []byte(`{"object":"whatsapp_business_account"}`), "")
	f.Add("secret", []byte(`{}`), "sha256=00")
	f.Add("k", []byte("body"), Sign("k", []byte("body")))
	f.Add("", []byte(""), "sha256=")
	f.Fuzz(func(t *testing.T, secret string, body []byte, header string) {
		err := VerifySignature(secret, body, header)
		if err == nil && secret == "" {
			t.Fatal("empty secret verified")
		}
		known := err == nil || errors.Is(err, ErrSignatureMissing) || errors.Is(err, ErrSignatureMalformed) ||
			errors.Is(err, ErrSignatureMismatch) || errors.Is(err, ErrNoAppSecret)
		if !known {
			t.Fatalf("unexpected error %v", err)
		}
		if secret != "" {
			if err := VerifySignature(secret, body, Sign(secret, body)); err != nil {
				t.Fatalf("own signature rejected: %v", err)
			}
		}
	})
}
