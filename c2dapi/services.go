package c2dapi

// The services, one file each as go-github has them (info.go, channels.go,
// operators.go, clients.go, messages.go, tags.go, dialogs.go,
// templates.go), share the paging here.

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// ListOptions is offset paging, the API's older and most common form.
type ListOptions struct {
	Offset int
	Limit  int // at most MaxPageSize; Chat2Desk answers DefaultPageSize when unset
}

// Chat2Desk pages hold DefaultPageSize records unless asked for more, and
// never more than MaxPageSize: a larger limit is capped.
const (
	DefaultPageSize = 20
	MaxPageSize     = 200
)

func (o ListOptions) query() url.Values {
	q := url.Values{}
	setInt(q, "offset", o.Offset)
	setInt(q, "limit", min(o.Limit, MaxPageSize))
	return q
}

// pageFull reports whether a page that brought got records of a request
// for asked was a full one, so that more may follow. The server caps the
// limit at MaxPageSize and may echo a smaller one in meta.limit; a page is
// short only against what could have come.
func pageFull(got, asked int, meta Meta) bool {
	if asked <= 0 {
		asked = DefaultPageSize
	}
	could := min(asked, MaxPageSize)
	if echoed := int(meta.Limit); echoed > 0 && echoed < could {
		could = echoed
	}
	return got >= could
}

func setInt(q url.Values, key string, v int) {
	if v > 0 {
		q.Set(key, strconv.Itoa(v))
	}
}

func setID(q url.Values, key string, v ID) {
	if v > 0 {
		q.Set(key, v.String())
	}
}

func setStr(q url.Values, key, v string) {
	if v != "" {
		q.Set(key, v)
	}
}

func list[T any](ctx context.Context, c *Client, path string, q url.Values) (*Page[T], error) {
	env, err := c.do(ctx, http.MethodGet, path, q, nil)
	if err != nil {
		return nil, err
	}
	return decodeList[T](env)
}

func one[T any](ctx context.Context, c *Client, method, path string, q url.Values, body any) (*T, error) {
	env, err := c.do(ctx, method, path, q, body)
	if err != nil {
		return nil, err
	}
	return decodeOne[T](env)
}

// Full reports whether the page, the answer to a request for asked
// records, was full, so that more may follow.
func (p *Page[T]) Full(asked int) bool { return pageFull(len(p.Items)+len(p.Skipped), asked, p.Meta) }

// All walks offset pages until the end, collecting items and skipped
// records. It asks for pageSize records a page (at most MaxPageSize) and
// stops on an empty page, on a short one (measured against what Chat2Desk
// could have sent, see pageFull), or at the reported total, whichever says
// the list is complete; a short page below a reported total goes on.
func All[T any](ctx context.Context, pageSize int, fetch func(ctx context.Context, opts ListOptions) (*Page[T], error)) ([]T, []SkippedRecord, error) {
	if pageSize <= 0 || pageSize > MaxPageSize {
		pageSize = MaxPageSize
	}
	var items []T
	var skipped []SkippedRecord
	for offset := 0; ; {
		page, err := fetch(ctx, ListOptions{Offset: offset, Limit: pageSize})
		if err != nil {
			return items, skipped, err
		}
		for _, s := range page.Skipped {
			s.Index += offset
			skipped = append(skipped, s)
		}
		items = append(items, page.Items...)
		got := len(page.Items) + len(page.Skipped)
		offset += got
		total := int(page.Meta.Total)
		switch {
		case got == 0:
			return items, skipped, nil
		case total > 0:
			if offset >= total {
				return items, skipped, nil
			}
		case !pageFull(got, pageSize, page.Meta):
			return items, skipped, nil
		}
	}
}
