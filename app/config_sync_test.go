package app

import (
	"io"
	"testing"
	"time"
)

func TestParseConfigSyncInterval(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want time.Duration
		bad  bool
	}{
		{"default", nil, nil, 15 * time.Minute, false},
		{"env", nil, map[string]string{"GROUPDECK_SYNC_INTERVAL": "2m"}, 2 * time.Minute, false},
		{"flag wins", []string{"-sync-interval", "30s"}, map[string]string{"GROUPDECK_SYNC_INTERVAL": "2m"}, 30 * time.Second, false},
		{"zero disables", []string{"-sync-interval", "0"}, nil, 0, false},
		{"bad env", nil, map[string]string{"GROUPDECK_SYNC_INTERVAL": "soon"}, 0, true},
		{"negative flag", []string{"-sync-interval", "-1m"}, nil, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConfig(tt.args, envFrom(tt.env), io.Discard)
			if tt.bad {
				if err == nil {
					t.Fatal("accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.SyncInterval != tt.want {
				t.Errorf("interval %v, want %v", c.SyncInterval, tt.want)
			}
		})
	}
}

func TestParseConfigActivityRetention(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want time.Duration
		bad  bool
	}{
		{"default 90 days", nil, nil, 90 * day, false},
		{"env days", nil, map[string]string{"GROUPDECK_ACTIVITY_RETENTION": "30d"}, 30 * day, false},
		{"flag duration wins", []string{"-activity-retention", "1000h"}, map[string]string{"GROUPDECK_ACTIVITY_RETENTION": "30d"}, 1000 * time.Hour, false},
		{"zero keeps forever", []string{"-activity-retention", "0"}, nil, 0, false},
		{"bad env", nil, map[string]string{"GROUPDECK_ACTIVITY_RETENTION": "forever"}, 0, true},
		{"bad flag", []string{"-activity-retention", "xd"}, nil, 0, true},
		{"negative", []string{"-activity-retention", "-1d"}, nil, 0, true},
		{"under a day", []string{"-activity-retention", "2h"}, nil, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConfig(tt.args, envFrom(tt.env), io.Discard)
			if tt.bad {
				if err == nil {
					t.Fatal("accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.ActivityRetention != tt.want {
				t.Errorf("retention %v, want %v", c.ActivityRetention, tt.want)
			}
		})
	}
}

func TestParseConfigDefaultRegion(t *testing.T) {
	c, err := ParseConfig(nil, envFrom(nil), io.Discard)
	if err != nil || c.DefaultRegion != "US" {
		t.Fatalf("default region %q, %v; want US", c.DefaultRegion, err)
	}
	c, err = ParseConfig(nil, envFrom(map[string]string{"GROUPDECK_DEFAULT_REGION": "pt"}), io.Discard)
	if err != nil || c.DefaultRegion != "PT" {
		t.Fatalf("region from env %q, %v; want PT", c.DefaultRegion, err)
	}
	if _, err := ParseConfig([]string{"-default-region", "Portugal"}, envFrom(nil), io.Discard); err == nil {
		t.Fatal("accepted a region that is not a country code")
	}
}
