package app

import (
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// sessionFlags adds the session and proxy settings.
func (c *Config) sessionFlags(fs *flag.FlagSet, env func(k, def string) string) error {
	var err error
	idle := env("GROUPDECK_SESSION_IDLE", "12h")
	if c.SessionIdle, err = parseRetention(idle); err != nil || c.SessionIdle <= 0 {
		return fmt.Errorf("config: GROUPDECK_SESSION_IDLE %q must be a duration such as 12h or 30m", idle)
	}
	life := env("GROUPDECK_SESSION_LIFETIME", "14d")
	if c.SessionLifetime, err = parseRetention(life); err != nil || c.SessionLifetime <= 0 {
		return fmt.Errorf("config: GROUPDECK_SESSION_LIFETIME %q must be a number of days such as 14d or a duration such as 72h", life)
	}
	proxies := env("GROUPDECK_TRUSTED_PROXIES", "")
	if c.TrustedProxies, err = parseProxies(proxies); err != nil {
		return fmt.Errorf("config: GROUPDECK_TRUSTED_PROXIES %q: %w", proxies, err)
	}
	fs.DurationVar(&c.SessionIdle, "session-idle", c.SessionIdle, "sign out a session unused this long (GROUPDECK_SESSION_IDLE)")
	fs.Func("session-lifetime", "longest a session lasts, e.g. 14d (GROUPDECK_SESSION_LIFETIME, default 14d)", func(v string) (err error) {
		c.SessionLifetime, err = parseRetention(v)
		return err
	})
	fs.Func("trusted-proxies", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed (GROUPDECK_TRUSTED_PROXIES)",
		func(v string) (err error) {
			c.TrustedProxies, err = parseProxies(v)
			return err
		})
	return nil
}

// parseProxies reads comma- or space-separated CIDRs; a bare address
// means just that address.
func parseProxies(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or an address", f)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// parseRetention reads a retention period: whole days ("90d") or a Go
// duration ("720h", "0").
func parseRetention(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("config: %q is not a number of days", v)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be an absolute http(s) URL")
	}
	return nil
}
