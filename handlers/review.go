package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
)

// A review says what a bulk action will do before it runs. Its confirm
// form posts the same inputs back with a token: an HMAC, under a key made
// when the process starts, over the action, the person, the parameters
// and the exact items the review listed. The confirm recomputes the items
// from the same inputs; when the token no longer matches, something
// changed in between (a group was suspended, a person joined, groupdeck
// restarted) and the person gets the new review instead of an action on a
// set they never saw.

func newReviewKey() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k) // never fails (crypto/rand panics instead)
	return k
}

func (h *Handler) reviewToken(kind string, userID int64, params []byte, items []string) string {
	m := hmac.New(sha256.New, h.reviewKey)
	for _, part := range append([]string{kind, strconv.FormatInt(userID, 10), string(params)}, items...) {
		m.Write([]byte(strconv.Itoa(len(part)) + ":" + part))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// reviewed reports whether token is the one a review of exactly this
// action and these items produced.
func (h *Handler) reviewed(token, kind string, userID int64, params []byte, items []string) bool {
	return token != "" && hmac.Equal([]byte(token), []byte(h.reviewToken(kind, userID, params, items)))
}
