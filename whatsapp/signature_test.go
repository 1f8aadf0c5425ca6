package whatsapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestSign(t *testing.T) {
	body := []byte(`{"object":"whatsapp_business_account"}`)
	m := hmac.New(sha256.New, []byte("s3cret"))
	m.Write(body)
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	if got := Sign("s3cret", body); got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
}

func TestVerifySignature(t *testing.T) {
	const secret = "app-secret"
	body := []byte(`{"object":"whatsapp_business_account","entry":[]}`)
	good := Sign(secret, body)
	tests := []struct {
		name   string
		secret string
		body   []byte
		header string
		want   error
	}{
		{"valid", secret, body, good, nil},
		{"valid with surrounding space", secret, body, "  " + good + " ", nil},
		{"valid uppercase hex", secret, body, "sha256=" + strings.ToUpper(good[7:]), nil},
		{"wrong secret", "other", body, good, ErrSignatureMismatch},
		{"tampered body", secret, append([]byte(nil), append(body, ' ')...), good, ErrSignatureMismatch},
		{"missing", secret, body, "", ErrSignatureMissing},
		{"wrong prefix", secret, body, "sha1=" + good[7:], ErrSignatureMalformed},
		{"no prefix", secret, body, good[7:], ErrSignatureMalformed},
		{"non hex", secret, body, "sha256=" + strings.Repeat("zz", 32), ErrSignatureMalformed},
		{"short hex", secret, body, good[:len(good)-2], ErrSignatureMalformed},
		{"prefix only", secret, body, "sha256=", ErrSignatureMalformed},
		{"no secret", "", body, good, ErrNoAppSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifySignature(tt.secret, tt.body, tt.header)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("VerifySignature = %v, want %v", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Fatal("error leaks the secret")
			}
		})
	}
}

func TestVerifyChallenge(t *testing.T) {
	q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"tok"}, "hub.challenge": {"1158201444"}}
	if got, ok := VerifyChallenge(q, "tok"); !ok || got != "1158201444" {
		t.Fatalf("got %q %v", got, ok)
	}
	if _, ok := VerifyChallenge(q, "other"); ok {
		t.Fatal("wrong token accepted")
	}
	if _, ok := VerifyChallenge(q, ""); ok {
		t.Fatal("empty configured token accepted")
	}
	q.Set("hub.mode", "unsubscribe")
	if _, ok := VerifyChallenge(q, "tok"); ok {
		t.Fatal("wrong mode accepted")
	}
}
