-- Pure helpers of the kref plugin: root folders, manifest detection, and turning server answers
-- into quickfix items and Markdown lines. Nothing here talks to a language server.

local M = {}

local uv = vim.loop

--- True when `path` exists (file or folder).
local function exists(path)
  return uv.fs_stat(path) ~= nil
end

--- The parent folder of `dir`, or nil at the top.
function M.parent(dir)
  local parent = dir:match('^(.*)[/\\][^/\\]+[/\\]?$')
  if parent == nil or parent == dir then
    return nil
  end
  if parent == '' then
    return '/'
  end
  if parent:match('^%a:$') then
    return parent .. '\\'
  end
  return parent
end

--- The nearest folder, starting at `start` and going up, that holds any of `markers`
--- (file or folder names such as `.kref.yaml` or `.git`). Nil when none does.
function M.find_root(start, markers)
  local dir = start
  while dir do
    for _, marker in ipairs(markers) do
      local sep = dir:sub(-1):match('[/\\]') and '' or '/'
      if exists(dir .. sep .. marker) then
        return dir
      end
    end
    dir = M.parent(dir)
  end
  return nil
end

--- The root folder for a file: the nearest folder with a marker, else the file's own folder.
--- `name` may be empty (an unnamed buffer): then the current working folder is used.
function M.root_for_file(name, markers)
  if name == nil or name == '' or name:match('^%a[%w+.-]*://') then
    return uv.cwd()
  end
  local file = vim.fn.fnamemodify(name, ':p')
  local dir = vim.fn.fnamemodify(file, ':h')
  return M.find_root(dir, markers) or dir
end

--- True when one YAML document of `lines` has both a top-level `apiVersion:` and a top-level
--- `kind:` key (column 0; optionally quoted), or is a one-line flow mapping with both.
function M.looks_like_manifest(lines)
  local api_version, kind = false, false
  for _, line in ipairs(lines) do
    line = line:gsub('\r$', '')
    if line:match('^%-%-%-%s') or line == '---' or line:match('^%.%.%.%s') or line == '...' then
      api_version, kind = false, false
      line = line:sub(4)
    end
    if line:match('^["\']?apiVersion["\']?%s*:') then
      api_version = true
    elseif line:match('^["\']?kind["\']?%s*:') then
      kind = true
    elseif line:match('^%s*{') and line:match('[{,%s"\']apiVersion["\']?%s*:') and line:match('[{,%s"\']kind["\']?%s*:') then
      return true
    end
    if api_version and kind then
      return true
    end
  end
  return false
end

--- Collapses whitespace and cuts long text.
function M.one_line(text, max)
  max = max or 160
  text = (text or ''):gsub('%s+', ' '):gsub('^ ', ''):gsub(' $', '')
  if #text > max then
    -- Cut on a character boundary (UTF-8 continuation bytes are 0x80-0xBF).
    local cut = max
    while cut > 0 and text:byte(cut + 1) and text:byte(cut + 1) >= 0x80 and text:byte(cut + 1) < 0xC0 do
      cut = cut - 1
    end
    text = text:sub(1, cut) .. '…'
  end
  return text
end

M.BUILTIN_PREFIX = 'builtin:'
--- Buffer names of built-in notes: `kref://note/<id>` (filled from `kref/show` when read).
M.NOTE_SCHEME = 'kref://note/'

--- True for an absolute file path (`/…`, `C:\…`, `\\server\…`), as user notes have. Built-in
--- notes have `builtin:<rel path>`, schema results `schema:builtin` and the like.
function M.is_real_path(path)
  return type(path) == 'string' and (path:match('^/') or path:match('^%a:[/\\]') or path:match('^\\\\')) ~= nil
end

--- True when a search hit is not a file on disk: it is opened through `kref/show`.
function M.is_virtual(hit)
  return not M.is_real_path(hit.path)
end

--- The buffer name that shows a built-in note.
function M.note_bufname(id)
  return M.NOTE_SCHEME .. id
end

--- The note id in a `kref://note/<id>` buffer name, or nil.
function M.id_from_bufname(name)
  if name:sub(1, #M.NOTE_SCHEME) == M.NOTE_SCHEME then
    local id = name:sub(#M.NOTE_SCHEME + 1)
    if id ~= '' then
      return id
    end
  end
  return nil
end

--- Quickfix items for a `kref/search` result: user notes point at their file and line, built-in
--- notes at a `kref://note/<id>` buffer (line 1) with `module` showing where they come from.
function M.search_to_qf_items(result)
  local items = {}
  for _, hit in ipairs((result and result.results) or {}) do
    if type(hit) == 'table' and type(hit.id) == 'string' then
      local text = hit.title or hit.id
      if type(hit.breadcrumb) == 'string' and hit.breadcrumb ~= '' and hit.breadcrumb ~= hit.title then
        text = text .. ' (' .. hit.breadcrumb .. ')'
      end
      local snippet = M.one_line(hit.snippet)
      if snippet ~= '' then
        text = text .. ': ' .. snippet
      end
      local item = { text = text, valid = 1, user_data = { id = hit.id } }
      if M.is_virtual(hit) then
        item.filename = M.note_bufname(hit.id)
        item.lnum = 1
        local path = type(hit.path) == 'string' and hit.path or ''
        if path:sub(1, #M.BUILTIN_PREFIX) == M.BUILTIN_PREFIX then
          item.module = 'kref:' .. path:sub(#M.BUILTIN_PREFIX + 1)
        else
          item.module = 'kref:' .. (type(hit.type) == 'string' and hit.type or 'note')
        end
      else
        item.filename = hit.path
        item.lnum = math.max(1, tonumber(hit.line) or 1)
        item.col = 1
      end
      table.insert(items, item)
    end
  end
  return items
end

--- Lines of a `kref/show` result, shown in a scratch Markdown buffer.
function M.show_to_lines(show)
  local lines = {}
  local body = (show.markdown or ''):gsub('^%s+', ''):gsub('%s+$', '')
  if not body:match('^#') then
    table.insert(lines, '# ' .. (show.title or show.id or 'kref'))
    table.insert(lines, '')
  end
  for line in (body .. '\n'):gmatch('(.-)\r?\n') do
    table.insert(lines, line)
  end
  table.insert(lines, '')
  table.insert(lines, '---')
  local where = show.path or ''
  if where:sub(1, #M.BUILTIN_PREFIX) == M.BUILTIN_PREFIX then
    where = 'built-in note ' .. where:sub(#M.BUILTIN_PREFIX + 1)
  end
  local crumb = (show.breadcrumb and show.breadcrumb ~= '') and (show.breadcrumb .. '; ') or ''
  table.insert(
    lines,
    string.format('*%s%s, lines %s-%s (read-only, from kref)*', crumb, where, tostring(show.line_start or '?'), tostring(show.line_end or '?'))
  )
  return lines
end

--- The field or kind a schema result is about: `schema:field:Deployment.spec.strategy` gives
--- `Deployment.spec.strategy`; nil for other ids.
function M.schema_subject(id)
  return type(id) == 'string' and id:match('^schema:%a+:(.+)$') or nil
end

--- Lines shown for a search result that `kref/show` has no section for (schema results): what the
--- search said, and where to read more.
function M.hit_to_lines(hit)
  local lines = { '# ' .. (hit.title or hit.id) }
  if type(hit.breadcrumb) == 'string' and hit.breadcrumb ~= '' and hit.breadcrumb ~= hit.title then
    table.insert(lines, '')
    table.insert(lines, '*' .. hit.breadcrumb .. '*')
  end
  if type(hit.snippet) == 'string' and hit.snippet ~= '' then
    table.insert(lines, '')
    for line in (hit.snippet .. '\n'):gmatch('(.-)\r?\n') do
      table.insert(lines, line)
    end
  end
  table.insert(lines, '')
  table.insert(lines, '---')
  local subject = M.schema_subject(hit.id)
  if subject then
    table.insert(lines, string.format('From the Kubernetes API schema. The whole field: `kref explain %s` in a terminal,', subject))
    table.insert(lines, 'or :KrefExplain on the field in a manifest.')
  else
    table.insert(lines, 'kref has no note text for this result (id `' .. tostring(hit.id) .. '`).')
  end
  return lines
end

--- Lines of a `kref/explain` result, for a floating window.
function M.explain_to_lines(result)
  local lines = {}
  local body = (result.markdown or ''):gsub('^%s+', ''):gsub('%s+$', '')
  if result.path and result.path ~= '' and not body:match('^#') then
    table.insert(lines, '# ' .. result.path)
    table.insert(lines, '')
  end
  for line in (body .. '\n'):gmatch('(.-)\r?\n') do
    table.insert(lines, line)
  end
  return lines
end

--- Normalises a Kubernetes version (`v1.33.2`, `1.33`) to `1.33`; nil when empty or unknown.
function M.kubernetes_version(value)
  if type(value) == 'number' then
    -- 1.33 means 1.33; 1.3 can only mean 1.30 (Kubernetes 1.3 is long gone).
    value = string.format('%.2f', value)
  end
  if type(value) ~= 'string' then
    return nil
  end
  local major, minor = value:match('^%s*v?(%d+)%.(%d+)')
  if not major then
    return nil
  end
  return string.format('%d.%d', tonumber(major), tonumber(minor))
end

--- Expands `~` and `$VARIABLES` and makes a path absolute (from the current folder).
function M.expand_path(path)
  if type(path) ~= 'string' or path == '' then
    return nil
  end
  if path == '~' or path:match('^~[/\\]') then
    path = (uv.os_homedir() or '~') .. path:sub(2)
  end
  if path:find('$', 1, true) then
    path = vim.fn.expand(path)
  end
  local full = vim.fn.fnamemodify(path, ':p'):gsub('(.)[/\\]$', '%1')
  return full
end

--- The server's initializationOptions from plugin options. Empty lists are left out (an empty
--- Lua table would be sent as a JSON object), so the server uses its defaults.
function M.init_options(opts)
  local result = {}
  for _, key in ipairs({ 'notes', 'schemas' }) do
    local list = opts[key]
    if type(list) == 'string' then
      list = { list }
    end
    local seen, paths = {}, {}
    for _, p in ipairs(list or {}) do
      local full = M.expand_path(p)
      if full and not seen[full] then
        seen[full] = true
        table.insert(paths, full)
      end
    end
    if #paths > 0 then
      result[key] = paths
    end
  end
  result.kubernetesVersion = M.kubernetes_version(opts.kubernetes_version)
  -- Inlay hint kinds are on unless switched off: only the switched-off ones are sent.
  local hints = {}
  for key, name in pairs({ secret_data = 'secretData', defaults = 'defaults', quantities = 'quantities' }) do
    if type(opts.inlay_hints) == 'table' and opts.inlay_hints[key] == false then
      hints[name] = false
    end
  end
  if next(hints) ~= nil then
    result.inlayHints = hints
  end
  if next(result) == nil then
    return vim.empty_dict()
  end
  return result
end

return M
