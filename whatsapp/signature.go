package whatsapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
)

// SignatureHeader is the header Meta uses to sign webhook deliveries.
const SignatureHeader = "X-Hub-Signature-256"

const signaturePrefix = "sha256="

// Signature check failures. They are distinct so a receiver can log a
// misconfigured proxy (missing header) differently from a forgery
// (mismatch).
var (
	ErrSignatureMissing   = errors.New("whatsapp: webhook signature header missing")
	ErrSignatureMalformed = errors.New("whatsapp: webhook signature malformed")
	ErrSignatureMismatch  = errors.New("whatsapp: webhook signature mismatch")
	ErrNoAppSecret        = errors.New("whatsapp: app secret not configured")
)

// VerifySignature checks header ("sha256=<hex>") against the HMAC-SHA256 of
// the raw body keyed with the app secret. It must run on the bytes exactly
// as received, before any JSON parsing. The comparison is constant time.
func VerifySignature(appSecret string, body []byte, header string) error {
	if appSecret == "" {
		return ErrNoAppSecret
	}
	header = strings.TrimSpace(header)
	if header == "" {
		return ErrSignatureMissing
	}
	if len(header) < len(signaturePrefix) || !strings.EqualFold(header[:len(signaturePrefix)], signaturePrefix) {
		return ErrSignatureMalformed
	}
	got, err := hex.DecodeString(header[len(signaturePrefix):])
	if err != nil || len(got) != sha256.Size {
		return ErrSignatureMalformed
	}
	if !hmac.Equal(got, mac(appSecret, body)) {
		return ErrSignatureMismatch
	}
	return nil
}

// Sign returns the X-Hub-Signature-256 value Meta would send for body. The
// simulator and tests use it to produce deliveries the receiver accepts.
func Sign(appSecret string, body []byte) string {
	return signaturePrefix + hex.EncodeToString(mac(appSecret, body))
}

func mac(secret string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return m.Sum(nil)
}

// VerifyChallenge answers Meta's subscription handshake
// (GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…). It returns
// the challenge to echo with status 200 and true when the token matches.
func VerifyChallenge(q url.Values, verifyToken string) (string, bool) {
	if verifyToken == "" || q.Get("hub.mode") != "subscribe" {
		return "", false
	}
	got := q.Get("hub.verify_token")
	if subtle.ConstantTimeCompare([]byte(got), []byte(verifyToken)) != 1 {
		return "", false
	}
	return q.Get("hub.challenge"), true
}
