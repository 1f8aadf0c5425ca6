package app

import (
	"flag"
	"fmt"
	"time"

	"groupdeck/store"
)

// Retention of webhook bookkeeping (issue 19): how long raw deliveries,
// de-duplication keys and changes waiting for an unknown group are kept.
type Retention struct {
	Deliveries time.Duration // applied (and duplicate) deliveries
	Failed     time.Duration // failed deliveries, unless replayed first
	Dedup      time.Duration // de-duplication keys
	Waiting    time.Duration // changes waiting for a group that never appeared
	Messages   time.Duration // messages with their receipts (GROUPDECK_KEEP_MESSAGES, 0: forever)
	Every      time.Duration // how often pruning runs (GROUPDECK_PRUNE_INTERVAL, 1h)
}

// metaRetryWindow is how long Meta retries an unacknowledged delivery: a
// de-duplication key kept less than this (plus a day of margin) could
// let a retry apply twice.
const metaRetryWindow = 7 * 24 * time.Hour

var retentionSettings = []struct {
	env, flag, def, what string
	field                func(*Retention) *time.Duration
	min                  time.Duration
	eg                   string // an example value, when the default is 0
}{
	{"GROUPDECK_KEEP_DELIVERIES", "keep-deliveries", "30d", "applied raw webhook deliveries",
		func(r *Retention) *time.Duration { return &r.Deliveries }, 24 * time.Hour, ""},
	{"GROUPDECK_KEEP_FAILED", "keep-failed", "90d", "failed webhook deliveries not replayed",
		func(r *Retention) *time.Duration { return &r.Failed }, 24 * time.Hour, ""},
	{"GROUPDECK_KEEP_DEDUP", "keep-dedup", "14d", "webhook de-duplication keys",
		func(r *Retention) *time.Duration { return &r.Dedup }, metaRetryWindow + 24*time.Hour, ""},
	{"GROUPDECK_KEEP_WAITING", "keep-waiting", "14d", "changes waiting for a group that never appeared",
		func(r *Retention) *time.Duration { return &r.Waiting }, 24 * time.Hour, ""},
	// Kept forever unless an admin chooses: deleting people's messages is
	// not something to do by default. Shorter keeps less of strangers'
	// messages (data minimisation) and bounds the database.
	{"GROUPDECK_KEEP_MESSAGES", "keep-messages", "0", "messages (received and sent) with their receipts",
		func(r *Retention) *time.Duration { return &r.Messages }, 24 * time.Hour, "365d"},
}

// retentionFlags registers the retention settings, defaulting from the
// environment like GROUPDECK_ACTIVITY_RETENTION.
func retentionFlags(fs *flag.FlagSet, env func(k, def string) string, r *Retention) error {
	for _, s := range retentionSettings {
		eg := s.def
		if s.eg != "" {
			eg = s.eg
		}
		v := env(s.env, s.def)
		d, err := parseRetention(v)
		if err != nil {
			return fmt.Errorf("config: %s %q must be a number of days such as %s, a duration such as 720h, or 0 to keep forever", s.env, v, eg)
		}
		*s.field(r) = d
		fs.Func(s.flag, fmt.Sprintf("how long to keep %s, e.g. %s; 0 keeps them forever (%s, default %s)", s.what, eg, s.env, s.def),
			func(v string) (err error) {
				*s.field(r), err = parseRetention(v)
				return err
			})
	}
	v := env("GROUPDECK_PRUNE_INTERVAL", "1h")
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("config: GROUPDECK_PRUNE_INTERVAL %q must be a duration such as 1h", v)
	}
	fs.DurationVar(&r.Every, "prune-interval", d, "how often retention runs (GROUPDECK_PRUNE_INTERVAL, default 1h)")
	return nil
}

func (r Retention) validate() error {
	if r.Every < time.Second {
		return fmt.Errorf("config: GROUPDECK_PRUNE_INTERVAL (-prune-interval) %s must be at least 1s", r.Every)
	}
	for _, s := range retentionSettings {
		d := *s.field(&r)
		if d < 0 || (d > 0 && d < s.min) {
			return fmt.Errorf("config: %s (-%s) must be at least %dd, or 0 to keep %s forever", s.env, s.flag, int(s.min/(24*time.Hour)), s.what)
		}
	}
	return nil
}

// store is the retention as the store's pruning takes it.
func (r Retention) store() store.Retention {
	return store.Retention{Applied: r.Deliveries, Failed: r.Failed, Dedup: r.Dedup, Waiting: r.Waiting, Messages: r.Messages}
}
