package loadgen

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// MetricsToken is the /metrics bearer token loadgen starts servers with
// when it reads their counters.
const MetricsToken = "loadgen-metrics-token"

// FragmentRenders reads groupdeck_fragment_renders_total from /metrics,
// summed over fragments.
func FragmentRenders(base string) (float64, error) {
	by, err := FragmentRendersBy(base)
	var sum float64
	for _, v := range by {
		sum += v
	}
	return sum, err
}

// FragmentRendersBy reads groupdeck_fragment_renders_total from /metrics
// by fragment (its route pattern).
func FragmentRendersBy(base string) (map[string]float64, error) {
	req, err := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+MetricsToken)
	res, err := plain.Do(req)
	if err != nil {
		return nil, fmt.Errorf("loadgen: metrics: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("loadgen: metrics: %d (was the server started with MetricsToken?)", res.StatusCode)
	}
	by := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "groupdeck_fragment_renders_total{"); ok {
			f := strings.Fields(rest)
			v, err := strconv.ParseFloat(f[len(f)-1], 64)
			if err != nil {
				return nil, fmt.Errorf("loadgen: metrics: %q: %w", sc.Text(), err)
			}
			label := strings.Join(f[:len(f)-1], " ")
			if _, l, ok := strings.Cut(label, `"`); ok {
				label, _, _ = strings.Cut(l, `"`)
			}
			by[label] += v
		}
	}
	return by, sc.Err()
}

// rendersSince says which fragments were rendered since before, most
// first, as "/groups/:id/messages 812, …".
func rendersSince(before, after map[string]float64) string {
	type n struct {
		what string
		v    float64
	}
	var ns []n
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			ns = append(ns, n{k, d})
		}
	}
	sort.Slice(ns, func(i, j int) bool { return ns[i].v > ns[j].v || ns[i].v == ns[j].v && ns[i].what < ns[j].what })
	parts := make([]string, len(ns))
	for i, x := range ns {
		parts[i] = fmt.Sprintf("%s %.0f", x.what, x.v)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// liveFragment finds the fragments a page re-fetches on live events: an
// element with an hx-get whose hx-trigger names server-sent events
// ("sse:changed, sse:participants, …").
var (
	liveFragment = regexp.MustCompile(`<[^>]*\shx-get="([^"]+)"[^>]*\shx-trigger="([^"]*sse:[^"]*)"`)
	sseTrigger   = regexp.MustCompile(`sse:([A-Za-z0-9_-]+)`)
)

// fragment is one live fragment of an open page, re-fetched like htmx
// does with hx-sync="this:queue last": an event it listens to starts a
// request, or, while one is in flight, queues one more (a single one,
// however many events arrive meanwhile).
type fragment struct {
	url    string
	events map[string]bool
	mu     sync.Mutex
	busy   bool
	queued bool
}

// trigger is an event the fragment listens to arriving.
func (f *fragment) trigger(ctx context.Context, c *http.Client, fetched *atomic.Int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.busy {
		f.queued = true
		return
	}
	f.busy = true
	go func() {
		for {
			if htmxGet(ctx, c, f.url) == nil {
				fetched.Add(1)
			}
			f.mu.Lock()
			if !f.queued || ctx.Err() != nil {
				f.busy = false
				f.mu.Unlock()
				return
			}
			f.queued = false
			f.mu.Unlock()
		}
	}()
}

// liveFragments lists the live fragments of a page's HTML.
func liveFragments(base, page string) []*fragment {
	var out []*fragment
	for _, m := range liveFragment.FindAllStringSubmatch(page, -1) {
		f := &fragment{url: base + html.UnescapeString(m[1]), events: map[string]bool{}}
		for _, e := range sseTrigger.FindAllStringSubmatch(html.UnescapeString(m[2]), -1) {
			f.events[e[1]] = true
		}
		out = append(out, f)
	}
	return out
}

// GroupPages opens the group page of each of groups and, like htmx in a
// browser, follows its event stream and re-fetches each live fragment
// on the events its hx-trigger names (a receipt re-fetches the timeline,
// a join the participants list), queueing one more request when an event
// comes while the fragment's request is in flight (hx-sync "queue
// last"). It returns once the streams are open; they run until ctx ends.
// Fetched counts fragments.
func GroupPages(ctx context.Context, c *http.Client, base string, groups []int) (fetched *atomic.Int64, err error) {
	return groupPages(ctx, c, base, groups, nil)
}

func groupPages(ctx context.Context, c *http.Client, base string, groups []int, events *atomic.Int64) (fetched *atomic.Int64, err error) {
	fetched = &atomic.Int64{}
	for _, g := range groups {
		page := base + "/groups/" + strconv.Itoa(g)
		res, err := c.Get(page)
		if err != nil {
			return nil, fmt.Errorf("loadgen: group page: %w", err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("loadgen: group page %s: %d %v", page, res.StatusCode, err)
		}
		frags := liveFragments(base, string(b))
		if len(frags) == 0 {
			return nil, fmt.Errorf("loadgen: group page %s re-fetches nothing on events", page)
		}
		err = StreamEvents(ctx, c, base+"/events?group="+strconv.Itoa(g), func(name, _ string, _ time.Time) {
			if events != nil {
				events.Add(1)
			}
			for _, f := range frags {
				if f.events[name] {
					f.trigger(ctx, c, fetched)
				}
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return fetched, nil
}

func htmxGet(ctx context.Context, c *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("HX-Request", "true")
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, err = io.Copy(io.Discard, res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("loadgen: GET %s: %d", u, res.StatusCode)
	}
	return err
}

// RenderWatch measures fragment renders over a run: group pages behaving
// like htmx, and the server's counter read before and after.
type RenderWatch struct {
	base    string
	pages   int
	before  map[string]float64
	fetched *atomic.Int64
	stop    context.CancelFunc
}

// WatchRenders opens the pages of groups 1..pages (see GroupPages) and
// reads the server's render counter; the server must run with
// MetricsToken.
func WatchRenders(ctx context.Context, c *http.Client, base string, pages int) (*RenderWatch, error) {
	groups := make([]int, pages)
	for i := range groups {
		groups[i] = i + 1
	}
	pctx, stop := context.WithCancel(ctx)
	fetched, err := GroupPages(pctx, c, base, groups)
	if err == nil {
		var before map[string]float64
		if before, err = FragmentRendersBy(base); err == nil {
			return &RenderWatch{base: base, pages: pages, before: before, fetched: fetched, stop: stop}, nil
		}
	}
	stop()
	return nil, err
}

// Report closes the pages and says how many fragments the server rendered
// over elapsed, per second and per delivery.
func (w *RenderWatch) Report(elapsed time.Duration, deliveries int64) string {
	after, err := FragmentRendersBy(w.base)
	w.stop()
	if err != nil {
		return "fragment renders: " + err.Error()
	}
	var n float64
	for k, v := range after {
		n += v - w.before[k]
	}
	per := 0.0
	if deliveries > 0 {
		per = n / float64(deliveries)
	}
	return fmt.Sprintf("fragment renders during the webhook → SSE run: %.0f/s, %.3f per delivery (%d group pages re-fetching each live fragment like htmx on the events its hx-trigger names, besides the streams above; %d fetched: %s)",
		n/elapsed.Seconds(), per, w.pages, w.fetched.Load(), rendersSince(w.before, after))
}

// Burst opens pages pages of group 1 (the seeded group with messages and
// participants), sends n receipts for its messages as fast as conc
// senders can, and says how many events each page got and how many
// fragments the server rendered: without coalescing, every receipt would
// be one event and one round of renders per page.
func Burst(ctx context.Context, c *http.Client, p *Poster, base string, pages, n, conc, messages, participants int) (string, error) {
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	events := &atomic.Int64{}
	groups := make([]int, pages)
	for i := range groups {
		groups[i] = 1
	}
	if _, err := groupPages(pctx, c, base, groups, events); err != nil {
		return "", err
	}
	now := time.Now().Unix()
	// The seed writes participants without their person rows, which a
	// group's members always have once they joined through a webhook; the
	// first status naming each records them (and so re-fetches the
	// participants list, as a new name would). Let that happen before the
	// burst, on the oldest outgoing message, so the burst measures
	// receipts from known participants.
	for j := range participants {
		body := Status("wamid.seed.1", strconv.Itoa(15550100000+j), "delivered", now)
		if code, err := p.Post(ctx, body); err != nil || code != http.StatusOK {
			return "", fmt.Errorf("loadgen: burst: warm-up status not acknowledged: %d %v", code, err)
		}
	}
	time.Sleep(time.Second) // the trailing events and their fetches
	events.Store(0)
	before, err := FragmentRendersBy(base)
	if err != nil {
		return "", err
	}
	next := atomic.Int64{}
	var failed atomic.Int64
	t0 := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				// The newest outgoing seeded messages (odd numbers), each
				// delivered and then read by each participant.
				m := messages - 1 - 2*(i/(2*participants))
				if m%2 == 0 {
					m--
				}
				st := "delivered"
				if i%2 == 1 {
					st = "read"
				}
				body := Status("wamid.seed."+strconv.Itoa(m), strconv.Itoa(15550100000+(i/2)%participants), st, now)
				if code, err := p.Post(ctx, body); err != nil || code != http.StatusOK {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(t0)
	time.Sleep(time.Second) // the trailing event, and the fetches it causes
	afterBy, err := FragmentRendersBy(base)
	if err != nil {
		return "", err
	}
	var rendered float64
	for k, v := range afterBy {
		rendered += v - before[k]
	}
	if f := failed.Load(); f > 0 {
		return "", fmt.Errorf("loadgen: burst: %d receipts not acknowledged", f)
	}
	return fmt.Sprintf("a burst of %d receipts to one group in %.2fs with %d pages of it open: %.1f events per page, %.0f fragment renders in all (%.2f per receipt per page: %s)",
		n, took.Seconds(), pages, float64(events.Load())/float64(pages), rendered, rendered/float64(n*pages), rendersSince(before, afterBy)), nil
}
