package contract

import (
	"errors"
	"testing"

	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

// The setup-check calls (docs/cloud-api.md#setup-check) against the
// simulator: shapes from Meta's phone number and subscribed_apps
// references.

func TestPhoneNumberInfo(t *testing.T) {
	e := newEnv(t, func(c *wasim.Config) { c.DisplayPhoneNumber, c.VerifiedName = "15550783881", "Jasper's Market" })
	p, err := e.c.PhoneNumberInfo(ctx())
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != phoneID || p.DisplayPhoneNumber != "+1 555-078-3881" || p.VerifiedName != "Jasper's Market" ||
		p.PlatformType != "CLOUD_API" || p.QualityRating == "" || p.Throughput.Level == "" {
		t.Errorf("phone number: %+v", p)
	}
	_, err = e.client("wrong-token", whatsapp.WithRetry(1, 0)).PhoneNumberInfo(ctx())
	var ae *whatsapp.APIError
	if !errors.As(err, &ae) || ae.Code != 190 || ae.HTTPStatus != 401 {
		t.Errorf("wrong token: %v", err)
	}
}

func TestSubscribedAppsAndWebhooks(t *testing.T) {
	e := newEnv(t, func(c *wasim.Config) { c.Unsubscribed = true })
	apps, err := e.c.SubscribedApps(ctx(), wabaID)
	if err != nil || len(apps) != 0 {
		t.Fatalf("unsubscribed WABA lists %+v, %v", apps, err)
	}
	// Meta sends a WABA's webhooks only to subscribed apps.
	if _, err := e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: "Unheard"}); err != nil {
		t.Fatal(err)
	}
	e.settle()
	if n := len(e.hook.changes()); n != 0 {
		t.Fatalf("%d changes delivered to an unsubscribed app", n)
	}
	if err := e.c.SubscribeApp(ctx(), wabaID); err != nil {
		t.Fatal(err)
	}
	me, err := e.c.TokenApp(ctx())
	if err != nil || me.ID == "" || me.Name == "" {
		t.Fatalf("token app: %+v, %v", me, err)
	}
	apps, err = e.c.SubscribedApps(ctx(), wabaID)
	if err != nil || len(apps) != 1 || apps[0].ID != me.ID || apps[0].Name != me.Name {
		t.Fatalf("after subscribing: %+v, %v (token app %+v)", apps, err, me)
	}
	e.createGroup("Heard", "")
	if _, err := e.c.SubscribedApps(ctx(), "999"); err == nil {
		t.Error("another WABA's subscribed_apps answered")
	}
}
