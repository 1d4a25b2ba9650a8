package c2dapi

import (
	"context"
	"net/http"
)

// WebhooksService registers the public addresses Chat2Desk posts events
// to: at most MaxWebhooks an account.
type WebhooksService struct{ c *Client }

// MaxWebhooks is how many webhooks an account may have.
const MaxWebhooks = 5

// Webhook states.
const (
	WebhookEnabled  = "enable"
	WebhookDisabled = "disable"
)

// Webhook is an address Chat2Desk posts the named events to. Status is
// "enable", or "disable" once Chat2Desk switched it off after hours of
// failed deliveries.
type Webhook struct {
	ID       ID      `json:"id"`
	URL      String  `json:"url"`
	Name     String  `json:"name"`
	Events   Strings `json:"events"`
	Channels []ID    `json:"channels"`
	Status   String  `json:"status"`
}

// Enabled reports whether Chat2Desk delivers to the webhook.
func (w Webhook) Enabled() bool {
	switch string(w.Status) {
	case "", WebhookEnabled, "enabled", "active", "on", "1":
		return true
	}
	return false
}

// WebhookSpec is what a webhook is registered or updated with.
type WebhookSpec struct {
	URL      string   `json:"url"`
	Name     string   `json:"name,omitempty"`
	Events   []string `json:"events"`
	Channels []ID     `json:"channels,omitempty"` // none: every channel
	Status   string   `json:"status,omitempty"`
}

// List returns the account's webhooks.
func (s *WebhooksService) List(ctx context.Context) ([]Webhook, error) {
	page, err := list[Webhook](ctx, s.c, "/webhooks", nil)
	if err != nil {
		return nil, err
	}
	return page.Items, nil
}

// Create registers a webhook.
func (s *WebhooksService) Create(ctx context.Context, spec WebhookSpec) (*Webhook, error) {
	return one[Webhook](ctx, s.c, http.MethodPost, "/webhooks", nil, spec)
}

// Update changes a webhook; the answer's shape varies, so only its status
// counts.
func (s *WebhooksService) Update(ctx context.Context, id ID, spec WebhookSpec) error {
	_, err := s.c.do(ctx, http.MethodPut, "/webhooks/"+id.String(), nil, spec)
	return err
}

// Delete removes a webhook.
func (s *WebhooksService) Delete(ctx context.Context, id ID) error {
	_, err := s.c.do(ctx, http.MethodDelete, "/webhooks/"+id.String(), nil, nil)
	return err
}
