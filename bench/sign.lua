-- wrk script: each thread is one signer at a time, over one connection: GET the form for its
-- CSRF token and visitor cookie, POST it, repeat with a new address. Counts thanks pages (303).
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  path = args[1] or "/en/unhcr/"
  run = args[2] or "run"  -- a new tag per run keeps every email new
  lang_cookie = "lang=" .. path:match("^/([^/]+)/")
  step, token, cookie, signed, thanks, other = "get", nil, nil, 0, 0, 0
end

local function client_address()
  -- Documentation/benchmark-range strings in a header; no packet goes to these addresses.
  return string.format("198.18.%d.%d", id % 256, signed % 250 + 1)
end

function request()
  if step == "get" or token == nil then
    step = "get"
    -- Sending the language cookie keeps the answer to one Set-Cookie (wrk keeps one per name).
    return wrk.format("GET", path, { ["X-Forwarded-For"] = client_address(), ["Cookie"] = lang_cookie })
  end
  signed = signed + 1
  local body = "csrf_token=" .. token .. "&first_name=Bench&last_name=Signer&country=KR&email=" .. run .. "-"
      .. id .. "-" .. signed .. "%40example.org&website="
  return wrk.format("POST", path, {
    ["X-Forwarded-For"] = client_address(),
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie .. "; " .. lang_cookie,
  }, body)
end

function response(status, headers, body)
  if step == "get" then
    token = body:match('name="csrf_token" type="hidden" value="([^"]+)"')
    local cookies = {}
    for name, value in pairs(headers) do
      if string.lower(name) == "set-cookie" then
        for pair in string.gmatch(value, "([^;,%s]+=[^;,]+)") do
          -- The sign form's visitor cookie (visitor_csrf.py), "__Host-visitor" in production.
          if pair:match("^visitor=") or pair:match("^__Host%-visitor=") then table.insert(cookies, pair) end
        end
      end
    end
    cookie = table.concat(cookies, "; ")
    step = "post"
  else
    if status == 303 then thanks = thanks + 1 else other = other + 1 end
    step = "get"
  end
end

function done(summary, latency, requests)
  local thanks_total, other_total = 0, 0
  for _, thread in ipairs(threads) do
    thanks_total = thanks_total + thread:get("thanks")
    other_total = other_total + thread:get("other")
  end
  io.write(string.format("THANKS %d\nREFUSED %d\n", thanks_total, other_total))
end
