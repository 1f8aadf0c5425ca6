package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"groupdeck/whatsapp"
)

// route is one API route: what it does, who may call it, what it takes
// and answers. Register mounts the table and the OpenAPI document
// describes it, so the two cannot drift.
type route struct {
	Method, Path string // echo's path syntax, under Prefix
	ID, Summary  string
	Tag          string
	Role         string
	Handler      echo.HandlerFunc
	Query        []param
	Body         any // a value of the request body's type; nil: none
	Example      any // an example request body
	Status       int // on success
	Response     any // a value of the answer's type; nil: none
	BodyMax      int64
}

type param struct {
	Name, Description string
	Type              string // "string" or "integer"
}

var (
	cursorParams = []param{
		{"cursor", "The next_cursor of the previous page; absent for the first.", "string"},
		{"limit", "Items per page, 1 to 200 (default 50).", "integer"},
	}
	listGroupParams = append([]param{
		{"q", "Part of the subject, case-insensitive.", "string"},
		{"status", "creating, active, suspended, failed or deleted; absent: all but deleted.", "string"},
	}, cursorParams...)
)

func (a *API) routes() []route {
	return []route{
		{Method: "GET", Path: "/groups", ID: "listGroups", Summary: "List or search groups", Tag: "groups", Role: roleViewer,
			Handler: a.listGroups, Query: listGroupParams, Status: 200, Response: Page[Group]{}},
		{Method: "POST", Path: "/groups", ID: "createGroup", Summary: "Create a group", Tag: "groups", Role: roleManager,
			Handler: a.createGroup, Body: NewGroup{}, Example: NewGroup{Subject: "Choir 2027", Description: "Rehearsals on Tuesdays", JoinApprovalMode: "approval_required"},
			Status: 201, Response: Group{}},
		{Method: "GET", Path: "/groups/:id", ID: "getGroup", Summary: "Get a group", Tag: "groups", Role: roleViewer,
			Handler: a.getGroup, Status: 200, Response: Group{}},
		{Method: "PATCH", Path: "/groups/:id", ID: "updateGroupSettings", Summary: "Change a group's subject, description or photo", Tag: "groups", Role: roleManager,
			Handler: a.updateGroup, Body: GroupSettings{}, Example: map[string]string{"subject": "Choir 2027 (full)"}, Status: 202, Response: Accepted{},
			BodyMax: whatsapp.PhotoMaxBytes*4/3 + 1<<20},
		{Method: "DELETE", Path: "/groups/:id", ID: "deleteGroup", Summary: "Delete a group", Tag: "groups", Role: roleManager,
			Handler: a.deleteGroup, Status: 202, Response: Accepted{}},
		{Method: "GET", Path: "/groups/:id/invite", ID: "getInvite", Summary: "Get a group's invite link", Tag: "invites", Role: roleViewer,
			Handler: a.getInvite, Status: 200, Response: Invite{}},
		{Method: "POST", Path: "/groups/:id/invite/reset", ID: "resetInvite", Summary: "Create a new invite link; earlier links stop working", Tag: "invites", Role: roleManager,
			Handler: a.resetInvite, Status: 200, Response: Invite{}},
		{Method: "GET", Path: "/groups/:id/participants", ID: "listParticipants", Summary: "List a group's participants", Tag: "participants", Role: roleViewer,
			Handler: a.listParticipants, Query: cursorParams, Status: 200, Response: Page[Participant]{}},
		{Method: "POST", Path: "/groups/:id/participants/remove", ID: "removeParticipants", Summary: "Remove 1 to 8 participants", Tag: "participants", Role: roleManager,
			Handler: a.removeParticipants, Body: Keys{}, Example: Keys{Keys: []string{"15551234567"}}, Status: 202, Response: Accepted{}},
		{Method: "GET", Path: "/join-requests", ID: "listAllJoinRequests", Summary: "List pending join requests of every group", Tag: "join requests", Role: roleViewer,
			Handler: a.listJoinRequests, Query: cursorParams, Status: 200, Response: Page[JoinRequest]{}},
		{Method: "GET", Path: "/groups/:id/join-requests", ID: "listJoinRequests", Summary: "List a group's pending join requests", Tag: "join requests", Role: roleViewer,
			Handler: a.listJoinRequests, Query: cursorParams, Status: 200, Response: Page[JoinRequest]{}},
		{Method: "POST", Path: "/groups/:id/join-requests/approve", ID: "approveJoinRequests", Summary: "Approve join requests", Tag: "join requests", Role: roleManager,
			Handler: a.approveJoinRequests, Body: IDs{}, Example: IDs{IDs: []int64{12, 13}}, Status: 200, Response: Decision{}},
		{Method: "POST", Path: "/groups/:id/join-requests/reject", ID: "rejectJoinRequests", Summary: "Reject join requests", Tag: "join requests", Role: roleManager,
			Handler: a.rejectJoinRequests, Body: IDs{}, Example: IDs{IDs: []int64{14}}, Status: 200, Response: Decision{}},
		{Method: "GET", Path: "/groups/:id/messages", ID: "listMessages", Summary: "List a group's messages, newest page first", Tag: "messages", Role: roleViewer,
			Handler: a.listMessages, Query: cursorParams, Status: 200, Response: Page[Message]{}},
		{Method: "POST", Path: "/groups/:id/messages", ID: "sendMessage", Summary: "Send a text, template or media message", Tag: "messages", Role: roleManager,
			Handler: a.sendMessage, Body: NewMessage{}, Example: NewMessage{Kind: "template", Template: &TemplateRef{Name: "event_invitation", Language: "en_US"},
				Variables: map[string]string{"body.first_name": "Ana", "body.event_name": "the spring fair", "button.0.1": "fair-2027"}, HeaderMediaID: "1234567890"}, Status: 202, Response: Message{}},
		{Method: "GET", Path: "/groups/:id/messages/:mid/receipts", ID: "listReceipts", Summary: "Who has a message delivered and read", Tag: "messages", Role: roleViewer,
			Handler: a.listReceipts, Status: 200, Response: []Receipt{}},
		{Method: "GET", Path: "/campaigns", ID: "listCampaigns", Summary: "List campaigns", Tag: "campaigns", Role: roleViewer,
			Handler: a.listCampaigns, Query: cursorParams, Status: 200, Response: Page[Campaign]{}},
		{Method: "GET", Path: "/campaigns/:id", ID: "getCampaign", Summary: "Get a campaign", Tag: "campaigns", Role: roleViewer,
			Handler: a.getCampaign, Status: 200, Response: Campaign{}},
		{Method: "GET", Path: "/campaigns/:id/funnel", ID: "getCampaignFunnel", Summary: "A campaign's funnel from invite to membership", Tag: "campaigns", Role: roleViewer,
			Handler: a.getFunnel, Status: 200, Response: Funnel{}},
		{Method: "GET", Path: "/people/:key", ID: "getPerson", Summary: "A person's label, note and groups", Tag: "people", Role: roleViewer,
			Handler: a.getPerson, Status: 200, Response: Person{}},
		{Method: "PUT", Path: "/people/:key/label", ID: "labelPerson", Summary: "Set a person's label and note", Tag: "people", Role: roleManager,
			Handler: a.labelPerson, Body: Label{}, Example: Label{Label: "volunteer", Note: "Drives the van on Saturdays"}, Status: 200, Response: Person{}},
		{Method: "GET", Path: "/jobs/:id", ID: "getJob", Summary: "A background job's progress", Tag: "jobs", Role: roleViewer,
			Handler: a.getJob, Status: 200, Response: Job{}},
	}
}

// accepted answers a change WhatsApp took and confirms by webhook.
func accepted(c echo.Context, detail string) error {
	return c.JSON(http.StatusAccepted, Accepted{Status: "pending", Detail: detail})
}
