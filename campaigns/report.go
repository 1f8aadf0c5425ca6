package campaigns

import (
	"context"

	"groupdeck/store"
)

// Report is attribution over every group some campaign leads to.
type Report struct {
	Arrivals []*Arrival
	Funnels  map[int64]*Funnel
	Sends    []store.InviteSend
	Visits   []store.Visit
}

// Funnel returns one campaign's funnel (zero when nothing happened yet).
func (r *Report) Funnel(campaignID int64) Funnel {
	if f := r.Funnels[campaignID]; f != nil {
		return *f
	}
	return Funnel{}
}

// Of returns the arrivals credited to one campaign.
func (r *Report) Of(campaignID int64) []*Arrival {
	var out []*Arrival
	for _, a := range r.Arrivals {
		if a.Attribution != nil && a.Attribution.CampaignID == campaignID {
			out = append(out, a)
		}
	}
	return out
}

// InGroup returns the arrivals in one group.
func (r *Report) InGroup(groupID int64) []*Arrival {
	var out []*Arrival
	for _, a := range r.Arrivals {
		if a.GroupID == groupID {
			out = append(out, a)
		}
	}
	return out
}

// Events turns arrivals into chart events.
func Events(as []*Arrival) []Event {
	out := make([]Event, 0, len(as))
	for _, a := range as {
		out = append(out, Event{JoinedAt: a.JoinedAt, LeftAt: a.LeftAt})
	}
	return out
}

// Load builds the report from the store. Attribution is recomputed on
// each call: it is cheap for the groups campaigns touch, and it always
// reflects the latest webhooks.
func Load(ctx context.Context, st *store.Store) (*Report, error) {
	ids, err := st.CampaignGroupIDs(ctx)
	if err != nil {
		return nil, err
	}
	in := Inputs{}
	if len(ids) > 0 {
		if in.Memberships, err = st.Memberships(ctx, ids...); err != nil {
			return nil, err
		}
		if in.Requests, err = st.JoinRequestRecords(ctx, ids...); err != nil {
			return nil, err
		}
	}
	if in.Visits, err = st.Visits(ctx, 0); err != nil {
		return nil, err
	}
	if in.Sends, err = st.InviteSends(ctx, 0); err != nil {
		return nil, err
	}
	past, err := st.VisitsPastCap(ctx)
	if err != nil {
		return nil, err
	}
	arr := Attribute(in)
	funnels := Funnels(in.Sends, in.Visits, arr)
	for id, n := range past { // visits only counted, past the row cap
		if funnels[id] == nil {
			funnels[id] = &Funnel{}
		}
		funnels[id].Visits += n
	}
	return &Report{Arrivals: arr, Funnels: funnels, Sends: in.Sends, Visits: in.Visits}, nil
}
