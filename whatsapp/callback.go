package whatsapp

import "context"

// callbackKey carries biz_opaque_callback_data through a context, so every
// send can be tagged without widening each Send method's signature.
type callbackKey struct{}

// MaxCallbackData is the longest biz_opaque_callback_data Meta accepts.
const MaxCallbackData = 512

// WithCallbackData returns a context whose sends carry data as
// biz_opaque_callback_data; WhatsApp echoes it on every status of the
// message, which lets a status be matched to its send exactly even when
// the send's answer was lost.
func WithCallbackData(ctx context.Context, data string) context.Context {
	if len(data) > MaxCallbackData {
		data = data[:MaxCallbackData]
	}
	return context.WithValue(ctx, callbackKey{}, data)
}

func callbackData(ctx context.Context) string {
	s, _ := ctx.Value(callbackKey{}).(string)
	return s
}
