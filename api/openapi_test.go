package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"groupdeck/api"
	"groupdeck/store"
)

// document fetches the served OpenAPI document, without a token.
func document(t *testing.T, e *env) map[string]any {
	t.Helper()
	r := e.do("GET", "/openapi.json", "", nil)
	if r.status != 200 {
		t.Fatalf("openapi.json: %d %s", r.status, r.body)
	}
	return r.json(t)
}

var methods = []string{"get", "post", "put", "patch", "delete"}

// TestOpenAPIDocumentIsValid checks the structure OpenAPI 3.1 requires
// and what clients rely on: unique operation ids, every path parameter
// declared, every $ref resolving, a success and an error answer each.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	e := start(t)
	doc := document(t, e)
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi = %v", doc["openapi"])
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] == nil || info["version"] == nil {
		t.Fatalf("info = %v", info)
	}
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	if _, ok := comps["securitySchemes"].(map[string]any)["bearer"]; !ok {
		t.Fatal("no bearer security scheme")
	}
	// Every $ref anywhere resolves to a schema.
	raw, _ := json.Marshal(doc)
	for _, m := range regexp.MustCompile(`"\$ref":"#/components/schemas/(\w+)"`).FindAllStringSubmatch(string(raw), -1) {
		if _, ok := schemas[m[1]]; !ok {
			t.Errorf("$ref to missing schema %s", m[1])
		}
	}
	ids := map[string]bool{}
	paths, _ := doc["paths"].(map[string]any)
	for path, v := range paths {
		if !strings.HasPrefix(path, "/") {
			t.Errorf("path %q does not start with /", path)
		}
		want := regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(path, -1)
		for method, o := range v.(map[string]any) {
			if !slices.Contains(methods, method) {
				t.Errorf("%s: unknown method %s", path, method)
				continue
			}
			op := o.(map[string]any)
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s %s: operationId %q missing or repeated", method, path, id)
			}
			ids[id] = true
			var declared []string
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				pm := p.(map[string]any)
				if !slices.Contains([]string{"path", "query", "header"}, pm["in"].(string)) || pm["schema"] == nil {
					t.Errorf("%s: bad parameter %v", id, pm)
				}
				if pm["in"] == "path" {
					if pm["required"] != true {
						t.Errorf("%s: path parameter %v not required", id, pm["name"])
					}
					declared = append(declared, pm["name"].(string))
				}
			}
			for _, w := range want {
				if !slices.Contains(declared, w[1]) {
					t.Errorf("%s: path parameter %s not declared", id, w[1])
				}
			}
			if len(declared) != len(want) {
				t.Errorf("%s: declares %v for %s", id, declared, path)
			}
			responses, _ := op["responses"].(map[string]any)
			ok := false
			for code, r := range responses {
				if r.(map[string]any)["description"] == nil {
					t.Errorf("%s %s: no description", id, code)
				}
				ok = ok || strings.HasPrefix(code, "2")
			}
			if !ok {
				t.Errorf("%s: no success answer", id)
			}
			if method == "post" || method == "put" || method == "patch" {
				if rb, has := op["requestBody"].(map[string]any); has {
					media := rb["content"].(map[string]any)["application/json"].(map[string]any)
					if media["example"] == nil {
						t.Errorf("%s: request body without an example", id)
					}
				}
			}
		}
	}
	if len(ids) < 20 {
		t.Fatalf("only %d operations", len(ids))
	}
}

// TestOpenAPIMatchesRoutes compares the document with the routes echo
// actually serves under /api/v1: a route added without the table, or a
// table entry not mounted, fails here.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := start(t)
	doc := document(t, e)
	documented := map[string]bool{}
	for path, v := range doc["paths"].(map[string]any) {
		for method := range v.(map[string]any) {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, r := range e.a.Echo.Routes() {
		path, ok := strings.CutPrefix(r.Path, api.Prefix)
		// The group's catch-all routes only answer unknown paths with 404.
		if !ok || path == "" || strings.HasSuffix(path, "/*") || !slices.Contains(methods, strings.ToLower(r.Method)) {
			continue
		}
		served[r.Method+" "+api.OpenAPIPath(path)] = true
	}
	for k := range served {
		if !documented[k] {
			t.Errorf("served but not documented: %s", k)
		}
	}
	for k := range documented {
		if !served[k] {
			t.Errorf("documented but not served: %s", k)
		}
	}
	if len(served) != len(documented) {
		t.Errorf("%d routes served, %d documented", len(served), len(documented))
	}
}

// TestRoleMatrix calls every documented operation with each role's token.
// Operations documented with a 403 (they change something) refuse a
// viewer before reading the request; every other operation, and every
// operation for managers and admins, gets past the role check (here to a
// 404, on ids that do not exist, so nothing is changed).
func TestRoleMatrix(t *testing.T) {
	e := start(t)
	doc := document(t, e)
	calls := 0
	for path, v := range doc["paths"].(map[string]any) {
		if path == "/openapi.json" {
			continue
		}
		concrete := strings.NewReplacer("{id}", "999999", "{mid}", "999999", "{key}", "15559999999").Replace(path)
		for method, o := range v.(map[string]any) {
			_, managerOnly := o.(map[string]any)["responses"].(map[string]any)["403"]
			if (method == "get") == managerOnly {
				t.Errorf("%s %s: a GET must be open to viewers and every change closed to them", method, path)
			}
			for _, role := range []string{store.RoleViewer, store.RoleManager, store.RoleAdmin} {
				var body any
				if method != "get" && method != "delete" {
					body = map[string]any{}
				}
				r := e.do(strings.ToUpper(method), concrete, e.tokens[role], body)
				calls++
				switch {
				case role == store.RoleViewer && managerOnly:
					isProblem(t, r, http.StatusForbidden)
				case r.status == http.StatusForbidden || r.status == http.StatusUnauthorized:
					t.Errorf("%s %s as %s: %d %s", method, path, role, r.status, r.body)
				case path != "/groups" && path != "/join-requests" && path != "/campaigns" && r.status != 404:
					t.Errorf("%s %s as %s on a missing id: %d %s", method, path, role, r.status, r.body)
				}
			}
		}
	}
	if calls < 60 {
		t.Fatalf("only %d calls", calls)
	}
}
