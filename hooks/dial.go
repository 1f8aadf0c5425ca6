package hooks

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrPrivateTarget refuses a connection to a non-public address.
var ErrPrivateTarget = errors.New("hooks: the address is private, loopback or link-local; an admin must allow private targets first")

// Public reports whether ip is a public unicast address: not loopback,
// private (RFC 1918, unique-local fc00::/7), link-local, CGNAT,
// unspecified or multicast.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid(), ip.IsLoopback(), ip.IsPrivate(), ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(),
		ip.IsInterfaceLocalMulticast(), ip.IsMulticast(), ip.IsUnspecified():
		return false
	}
	return !cgnat.Contains(ip)
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// Client returns the HTTP client that posts events. The address check
// runs in the dialer's Control, on the IP actually connected to, so DNS
// that resolves differently after registration (rebinding) is caught.
// allowPrivate is asked on every connection, so the admin setting takes
// effect at once. Redirects are not followed and no proxy is used.
func Client(allowPrivate func() bool, timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: timeout, Control: func(network, address string, _ syscall.RawConn) error {
		if allowPrivate() {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("hooks: dial %s: %w", address, err)
		}
		if !Public(ap.Addr()) {
			return fmt.Errorf("%w (%s)", ErrPrivateTarget, ap.Addr())
		}
		return nil
	}}
	tr := &http.Transport{DialContext: d.DialContext, ForceAttemptHTTP2: true, MaxIdleConnsPerHost: 4,
		IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: timeout, ResponseHeaderTimeout: timeout}
	return &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
