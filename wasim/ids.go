package wasim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
)

// idGen hands out identifiers that look like Meta's
// (docs/cloud-api.md#identifiers) so the app is exercised with realistic
// lengths and alphabets, while staying opaque: nothing in the app may parse
// them, and the simulator itself only ever looks them up.
type idGen struct {
	mu   sync.Mutex
	rng  *rand.Rand
	seen map[string]bool
}

func newIDGen(seed uint64) *idGen {
	return &idGen{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seen: map[string]bool{}}
}

// digits returns n random decimal digits, never starting with 0, unique across
// everything this generator produced so collisions can't alias two objects.
func (g *idGen) digits(n int) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	for {
		var b strings.Builder
		b.WriteByte(byte('1' + g.rng.IntN(9)))
		for i := 1; i < n; i++ {
			b.WriteByte(byte('0' + g.rng.IntN(10)))
		}
		s := b.String()
		if !g.seen[s] {
			g.seen[s] = true
			return s
		}
	}
}

// mark records an id made by an earlier run, so digits never hands it out.
func (g *idGen) mark(s string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.seen[s] = true
}

func (g *idGen) shuffle(n int, swap func(i, j int)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.rng.Shuffle(n, swap)
}

func (g *idGen) token(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	g.mu.Lock()
	defer g.mu.Unlock()
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.rng.IntN(len(alphabet))]
	}
	return string(b)
}

// graphB64 mimics the Graph API's URL-friendly base64 where '=' padding is
// written "ZD" and a literal 'Z' is escaped as "ZA".
func graphB64(s string) string {
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	enc = strings.ReplaceAll(enc, "Z", "ZA")
	return strings.ReplaceAll(enc, "=", "ZD")
}

func (g *idGen) groupID(phoneDigits string) (id, jid string) {
	jid = "120363" + g.digits(12)
	return graphB64("capi_group:" + phoneDigits + ":" + jid), jid
}

// joinRequestID is unpadded plain base64 like Meta's samples; it only needs to
// be unique per (user, group), and a fresh suffix keeps re-requests distinct.
func (g *idGen) joinRequestID(waID, jid string) string {
	return strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(waID+":"+jid+":"+g.digits(4))), "=")
}

func (g *idGen) messageID() string {
	return "wamid." + base64.StdEncoding.EncodeToString([]byte("HBgL"+g.token(24)))
}

func (g *idGen) requestID() string { return g.digits(15) }
func (g *idGen) mediaID() string   { return g.digits(16) }

// bsuid is a business-scoped user id: ISO country code, dot, digits.
func (g *idGen) bsuid(country string) string { return country + "." + g.digits(20) }

// parentBSUID is a parent BSUID shared by linked business portfolios.
func (g *idGen) parentBSUID(country string) string { return country + ".ENT." + g.digits(20) }

func (g *idGen) linkID() string  { return g.token(22) }
func (g *idGen) traceID() string { return g.token(11) }

// cursor is the decoded form of a paging cursor. Version ties it to one
// simulator instance so a cursor from a restarted simulator is rejected with
// 131059 the way an expired Meta cursor would be.
type cursor struct {
	Offset  int    `json:"offset"`
	Version string `json:"versionId"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.URLEncoding.EncodeToString(b)
}

func decodeCursor(s, version string) (cursor, error) {
	var c cursor
	b, err := base64.URLEncoding.DecodeString(s)
	if err != nil {
		return c, fmt.Errorf("cursor is not base64: %w", err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("cursor is not JSON: %w", err)
	}
	if c.Version != version {
		return c, fmt.Errorf("cursor belongs to another listing")
	}
	return c, nil
}
