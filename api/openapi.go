package api

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// Document is the OpenAPI 3.1 description of the API, generated from
// the route table and the Go types of its bodies.
func (a *API) Document() map[string]any {
	schemas := map[string]any{"Problem": schemaOf(reflect.TypeOf(Problem{}), nil)}
	paths := map[string]any{}
	for _, r := range a.routes() {
		path := OpenAPIPath(r.Path)
		item, _ := paths[path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		item[strings.ToLower(r.Method)] = operation(r, schemas)
	}
	paths["/openapi.json"] = map[string]any{"get": map[string]any{
		"operationId": "getOpenAPI", "summary": "This document", "tags": []string{"meta"}, "security": []any{},
		"responses": map[string]any{"200": map[string]any{"description": "The OpenAPI document",
			"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}},
	}}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "groupdeck API", "version": "1",
			"description": "Manage WhatsApp groups as the groupdeck UI does. Authenticate with a personal token from your account page " +
				"(Authorization: Bearer gd_…); it acts with your role. Errors are RFC 9457 problem JSON. Lists are paged with an opaque cursor. " +
				"Each token has a rate limit, reported in the RateLimit and RateLimit-Policy headers. " +
				"POSTs take an Idempotency-Key header: a retry with the same key answers the first answer again for 24 hours."},
		"servers":  []any{map[string]any{"url": Prefix}},
		"security": []any{map[string]any{"bearer": []string{}}},
		"paths":    paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "A personal API token."}},
		},
	}
}

var echoParam = regexp.MustCompile(`:(\w+)`)

// OpenAPIPath turns echo's /groups/:id into OpenAPI's /groups/{id}.
func OpenAPIPath(p string) string { return echoParam.ReplaceAllString(p, "{$1}") }

func operation(r route, schemas map[string]any) map[string]any {
	var params []any
	for _, m := range echoParam.FindAllStringSubmatch(r.Path, -1) {
		typ := "integer"
		if m[1] == "key" {
			typ = "string"
		}
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": typ}})
	}
	for _, q := range r.Query {
		params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Description, "schema": map[string]any{"type": q.Type}})
	}
	if r.Method == http.MethodPost {
		params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header",
			"description": "Any unique string (a UUID): a retry with the same key gets the first answer instead of acting again.",
			"schema":      map[string]any{"type": "string", "maxLength": 255}})
	}
	problemRef := map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}
	responses := map[string]any{
		"401": map[string]any{"description": "No valid token", "content": problemRef},
		"404": map[string]any{"description": "Not found", "content": problemRef},
		"429": map[string]any{"description": "Over the token's rate limit; see Retry-After", "content": problemRef},
	}
	ok := map[string]any{"description": r.Summary}
	if r.Response != nil {
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(r.Response), schemas)}}
	}
	responses[strconv.Itoa(r.Status)] = ok
	if r.Role == roleManager {
		responses["403"] = map[string]any{"description": "The token's user may not change anything", "content": problemRef}
	}
	op := map[string]any{"operationId": r.ID, "summary": r.Summary, "tags": []string{r.Tag}, "responses": responses}
	if r.Body != nil {
		responses["422"] = map[string]any{"description": "Fields to fix", "content": problemRef}
		media := map[string]any{"schema": schemaOf(reflect.TypeOf(r.Body), schemas)}
		if r.Example != nil {
			media["example"] = r.Example
		}
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": media}}
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	return op
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

var genericName = regexp.MustCompile(`^(\w+)\[.*\.(\w+)\]$`)

// schemaOf describes a Go type as JSON Schema, putting named structs in
// schemas (nil: inline) and referring to them.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem(), schemas)
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case reflect.Struct:
		name := t.Name()
		if m := genericName.FindStringSubmatch(name); m != nil {
			name = m[2] + m[1] // Page[api.Group] is GroupPage
		}
		if schemas != nil {
			if _, ok := schemas[name]; !ok {
				schemas[name] = map[string]any{} // a placeholder stops recursion
				schemas[name] = structSchema(t, schemas)
			}
			return ref(name)
		}
		return structSchema(t, schemas)
	}
	return map[string]any{}
}

func structSchema(t reflect.Type, schemas map[string]any) map[string]any {
	props := map[string]any{}
	var required []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		s := schemaOf(f.Type, schemas)
		if enum := f.Tag.Get("enum"); enum != "" {
			s["enum"] = strings.Split(enum, ",")
		}
		props[name] = s
		if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
			required = append(required, name)
		}
	}
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

// openapi serves the document; it is public, like any API description.
func (a *API) openapi(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSON(http.StatusOK, a.Document())
}
