package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
)

// idempotencyTTL is how long the answer to a key is kept.
const idempotencyTTL = 24 * time.Hour

// idempotent answers a POST sent again with the same Idempotency-Key (by
// the same token) with the first answer, without acting again. The same
// key with a different request is refused with 422; a key whose first
// request is still being answered, with 409. Server errors are not kept,
// so a retry after one acts again.
func (a *API) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Header.Get("Idempotency-Key")
		if key == "" {
			return next(c)
		}
		if len(key) > 255 {
			return problem(http.StatusBadRequest, "bad-idempotency-key", "The Idempotency-Key is too long", "Use at most 255 characters, e.g. a UUID.")
		}
		body, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return err // over the body limit
		}
		c.Request().Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.New()
		sum.Write([]byte(c.Request().Method + " " + c.Request().URL.Path + "\n"))
		sum.Write(body)
		hash := hex.EncodeToString(sum.Sum(nil))

		tok := token(c)
		ctx := c.Request().Context()
		now := a.Now()
		flight := strconv.FormatInt(tok.ID, 10) + " " + key
		if _, busy := a.inFlight.LoadOrStore(flight, true); busy {
			return problem(http.StatusConflict, "idempotency-in-progress", "A request with this Idempotency-Key is still being answered",
				"Wait for it, then retry to get its answer.")
		}
		defer a.inFlight.Delete(flight)
		prev, err := a.Store.IdempotentAnswer(ctx, tok.ID, key, now.Add(-idempotencyTTL).UnixMilli())
		switch {
		case err == nil && prev.RequestHash != hash:
			return problem(http.StatusUnprocessableEntity, "idempotency-key-reused", "This Idempotency-Key was used for a different request",
				"Use a new key for a new request; a key is kept for 24 hours.")
		case err == nil:
			c.Response().Header().Set("Idempotent-Replayed", "true")
			return c.Blob(prev.Status, contentType(prev.Status), prev.Body)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}

		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		err = next(c)
		if err != nil && !c.Response().Committed {
			// Write the error here, through the recorder, so it can be
			// kept: a refusal is an answer too.
			p := a.toProblem(c, err)
			p.Instance = c.Request().URL.Path
			err = writeProblem(c, p)
		}
		c.Response().Writer = rec.ResponseWriter
		if err != nil {
			return err
		}
		status := c.Response().Status
		if status >= 500 || status == http.StatusTooManyRequests || status == http.StatusConflict {
			return nil
		}
		if serr := a.Store.SaveIdempotentAnswer(ctx, tok.ID, key, store.IdempotentAnswer{RequestHash: hash, Status: status, Body: rec.body.Bytes()},
			now.Add(-idempotencyTTL).UnixMilli()); serr != nil {
			a.Log.Error("keep idempotent answer failed", "err", serr)
		}
		return nil
	}
}

func contentType(status int) string {
	if status >= 400 {
		return "application/problem+json"
	}
	return echo.MIMEApplicationJSON
}

// recorder keeps a copy of what the handler writes.
type recorder struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}
