package groupops

import (
	"context"
	"fmt"
	"strings"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// Decision answers.
const (
	Approve = "approve"
	Reject  = "reject"
)

// Failure is one join request WhatsApp did not decide (Request is nil
// when groupdeck could not record an outcome).
type Failure struct {
	Request *store.JoinRequest
	Reason  string
}

// Decide approves or rejects join requests; the API takes one group per
// call, so they are sent batched by group. It returns how many WhatsApp
// decided and why the others were not.
func (s *Service) Decide(ctx context.Context, userID int64, action string, reqs []store.JoinRequest) (int, []Failure) {
	byGroup := map[int64][]store.JoinRequest{}
	var order []int64
	for _, r := range reqs {
		if byGroup[r.GroupID] == nil {
			order = append(order, r.GroupID)
		}
		byGroup[r.GroupID] = append(byGroup[r.GroupID], r)
	}
	call := s.WA.ApproveJoinRequests
	state, audited := store.JoinApproved, store.AuditRequestsApprove
	if action == Reject {
		call, state, audited = s.WA.RejectJoinRequests, store.JoinRejected, store.AuditRequestsReject
	}
	done := 0
	var failures []Failure
	var touched []int64
	for _, gid := range order {
		rs := byGroup[gid]
		byID := map[string]*store.JoinRequest{}
		jrIDs := make([]string, len(rs))
		for i := range rs {
			jrIDs[i] = rs[i].JoinRequestID
			byID[rs[i].JoinRequestID] = &rs[i]
		}
		res, err := call(ctx, rs[0].WaGroupID, jrIDs)
		if err != nil {
			msg := Human(err)
			for i := range rs {
				failures = append(failures, Failure{Request: &rs[i], Reason: msg})
			}
			if aerr := s.Store.Audit(ctx, store.AuditEntry{UserID: userID, Action: audited, GroupID: gid,
				Detail: strings.Join(jrIDs, ", "), Outcome: "failed: " + msg}); aerr != nil {
				s.Log.Error("audit failed", "err", aerr)
			}
			continue
		}
		var gone []string
		for _, f := range res.Failed {
			reason := "WhatsApp gave no reason"
			if len(f.Errors) > 0 {
				reason = whatsapp.Human(f.Errors[0])
				if f.Errors[0].Code == whatsapp.CodeJoinRequestUnknown {
					gone = append(gone, f.ID) // withdrawn or already handled elsewhere
				}
			}
			failures = append(failures, Failure{Request: byID[f.ID], Reason: reason})
		}
		outcome := "ok"
		if len(res.Failed) > 0 {
			outcome = fmt.Sprintf("partial: %d of %d failed", len(res.Failed), len(rs))
		}
		entry := store.AuditEntry{UserID: userID, Action: audited, GroupID: gid, Detail: strings.Join(jrIDs, ", "), Outcome: outcome}
		if _, err := s.Store.WithTx(ctx, func(t *store.Tx) error {
			if err := t.DecideJoinRequests(gid, res.Done, state); err != nil {
				return err
			}
			return t.Audit(entry)
		}); err != nil {
			failures = append(failures, Failure{Reason: "could not record the outcome"})
			s.Log.Error("record join request decision failed", "err", err)
			if aerr := s.Store.Audit(ctx, entry); aerr != nil { // WhatsApp did act: keep the record of it
				s.Log.Error("audit failed", "err", aerr)
			}
		}
		if err := s.Store.DecideJoinRequests(ctx, gid, gone, store.JoinRevoked); err != nil {
			s.Log.Error("record revoked join requests failed", "err", err)
		}
		done += len(res.Done)
		touched = append(touched, gid)
	}
	s.changed(touched...)
	return done, failures
}
