-- kref for Neovim: starts `kref lsp` for YAML buffers (one client per root folder) and adds
-- :KrefSearch, :KrefExplain, :KrefShow, :KrefRestart and :KrefInfo.
--
-- Works on Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client) and later versions
-- (vim.lsp.start with attach = false where vim.lsp.start_client is deprecated).

local util = require('kref.util')

local M = {}

local uv = vim.loop
local levels = vim.log.levels

--- Neovim 0.11 turned client functions into methods (client:request instead of client.request).
local has_methods = vim.fn.has('nvim-0.11') == 1

local defaults = {
  -- The server command. Nil: { 'kref', 'lsp' }. A string is the path of the kref binary.
  cmd = nil,
  -- Extra environment for the server process, e.g. { KREF_CACHE_DIR = '/tmp/kref' }.
  cmd_env = nil,
  -- Passed as `--log-file PATH` (the server logs to stderr otherwise, which Neovim writes to its LSP log).
  log_file = nil,
  -- Folders of your own Markdown notes; schema files to import; the Kubernetes version (e.g. '1.33').
  notes = {},
  schemas = {},
  kubernetes_version = nil,
  -- Buffers of these filetypes are attached. `helm` is what newer Neovims (and vim-helm) give
  -- a chart's templates; the server reads them as YAML with holes.
  filetypes = { 'yaml', 'helm' },
  -- The root folder of a buffer is the nearest folder holding one of these, else the file's folder.
  root_markers = { '.kref.yaml', '.git' },
  -- Or a function(bufnr, filename) returning the root folder (nil: use root_markers).
  root_dir = nil,
  -- Only attach buffers whose text has a top-level apiVersion and kind (checked again on save).
  -- Off by default: the server itself stays quiet on YAML that is not a Kubernetes manifest.
  manifests_only = false,
  -- Attach matching buffers automatically (else call require('kref').attach(bufnr) yourself).
  autostart = true,
  -- Passed to the client as is.
  capabilities = nil,
  on_attach = nil,
  handlers = nil,
  -- :KrefSearch: how many results, and whether to open the quickfix window.
  search = { limit = 50, open_quickfix = true },
  -- Floating window of :KrefExplain.
  float = { border = 'rounded', max_width = 100, max_height = 30 },
  -- Milliseconds to wait for the server (start-up, :KrefShow and note buffers).
  timeout_ms = 10000,
  -- Inlay hints: a Secret's data decoded, the defaults an object relies on, quantities in plain
  -- units. `enable` turns them on in kref buffers (Neovim 0.10+, vim.lsp.inlay_hint; Neovim
  -- 0.7-0.9 have no inlay hints); the other switches say which kinds the server sends.
  inlay_hints = { enable = true, secret_data = true, defaults = true, quantities = true },
  -- Code lenses over Services and workloads (what they select, what selects their pods),
  -- shown with vim.lsp.codelens and refreshed as you edit (any Neovim 0.7+).
  codelens = true,
}

local state = {
  config = vim.deepcopy(defaults),
  --- root folder -> client id
  clients = {},
  --- buffer -> client id, for buffers this plugin attached
  buffers = {},
  --- client ids we are stopping on purpose (no "exited" warning)
  stopping = {},
  --- search results by id (the latest searches), for results kref/show has no section for
  hits = {},
  hit_count = 0,
  --- warnings already shown, so automatic starts do not repeat them
  warned = {},
  setup_done = false,
}

local function notify(msg, level)
  vim.notify(msg, level or levels.INFO, { title = 'kref' })
end

-- ---- small compatibility layer ----------------------------------------------------------

local function client_request(client, method, params, handler, bufnr)
  if has_methods then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function client_notify(client, method, params)
  if has_methods then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

local function client_is_stopped(client)
  if has_methods then
    return client:is_stopped()
  end
  return client.is_stopped()
end

local function is_initialized(client)
  -- Not server_capabilities: 0.11 sets it to {} before the server answers.
  return client ~= nil and client.initialized == true
end

--- kref clients attached to a buffer (initialized or not).
local function buffer_clients(bufnr)
  local found = {}
  local id = state.buffers[bufnr]
  local client = id and vim.lsp.get_client_by_id(id)
  if client and not client_is_stopped(client) then
    table.insert(found, client)
  else
    -- Clients started by someone else (nvim-lspconfig, vim.lsp.enable) are named 'kref' too.
    local list = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr, name = 'kref' })
      or vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
    for _, c in ipairs(list) do
      if c.name == 'kref' then
        table.insert(found, c)
      end
    end
  end
  return found
end

-- ---- configuration -----------------------------------------------------------------------

local function merge(base, opts)
  local merged = vim.tbl_deep_extend('force', base, opts or {})
  -- Lists replace, they are not merged index by index.
  for _, key in ipairs({ 'notes', 'schemas', 'filetypes', 'root_markers' }) do
    if opts and opts[key] ~= nil then
      merged[key] = opts[key]
    end
  end
  if opts and opts.cmd ~= nil then
    merged.cmd = opts.cmd
  end
  return merged
end

--- The command that starts the server, or nil and a message saying what to do.
function M.server_cmd()
  local config = state.config
  local cmd
  if config.cmd == nil then
    cmd = { 'kref', 'lsp' }
  elseif type(config.cmd) == 'string' then
    cmd = { config.cmd, 'lsp' }
  else
    cmd = vim.deepcopy(config.cmd)
  end
  if cmd[1] and cmd[1]:match('^~') then
    cmd[1] = util.expand_path(cmd[1])
  end
  if config.log_file and config.log_file ~= '' and not vim.tbl_contains(cmd, '--log-file') then
    table.insert(cmd, '--log-file')
    table.insert(cmd, util.expand_path(config.log_file))
  end
  if type(cmd[1]) ~= 'string' or vim.fn.executable(cmd[1]) ~= 1 then
    return nil,
      string.format(
        'kref: cannot start the language server: "%s" is not an executable (not installed or not on PATH). '
          .. 'Install kref (cargo install --path . in the kref repository) or set cmd in require("kref").setup{}.',
        tostring(cmd[1])
      )
  end
  return cmd
end

--- initializationOptions / the `kref` object of workspace/didChangeConfiguration.
function M.server_options()
  return util.init_options(state.config)
end

local function configuration_handler(_, params)
  local answer = {}
  for i, item in ipairs((params and params.items) or {}) do
    if item.section == nil or item.section == 'kref' then
      answer[i] = M.server_options()
    else
      answer[i] = vim.NIL
    end
  end
  return answer
end

-- ---- clients -----------------------------------------------------------------------------

--- The id of the running client for `root`, starting one if needed. Nil and a message on failure.
function M.client_for_root(root)
  local existing = state.clients[root]
  if existing then
    local client = vim.lsp.get_client_by_id(existing)
    if client and not client_is_stopped(client) then
      return existing
    end
    state.clients[root] = nil
  end

  local cmd, err = M.server_cmd()
  if not cmd then
    return nil, err
  end
  local config = state.config
  local handlers = vim.tbl_extend('force', { ['workspace/configuration'] = configuration_handler }, config.handlers or {})
  local client_config = {
    name = 'kref',
    cmd = cmd,
    cmd_env = config.cmd_env,
    root_dir = root,
    init_options = M.server_options(),
    capabilities = config.capabilities or vim.lsp.protocol.make_client_capabilities(),
    handlers = handlers,
    on_attach = config.on_attach,
    on_exit = function(code, signal, client_id)
      vim.schedule(function()
        if state.clients[root] == client_id then
          state.clients[root] = nil
        end
        for b, cid in pairs(state.buffers) do
          if cid == client_id then
            state.buffers[b] = nil
          end
        end
        local on_purpose = state.stopping[client_id]
        state.stopping[client_id] = nil
        if not on_purpose and (code ~= 0 or (signal or 0) ~= 0) then
          notify(
            string.format(
              'kref: the language server exited (code %s, signal %s). See %s',
              tostring(code),
              tostring(signal),
              config.log_file or vim.lsp.get_log_path()
            ),
            levels.WARN
          )
        end
      end)
    end,
  }

  local id
  if vim.lsp.enable then
    -- 0.11+: vim.lsp.start_client is deprecated; start without attaching, we attach ourselves.
    id = vim.lsp.start(client_config, { attach = false })
  else
    id = vim.lsp.start_client(client_config)
  end
  if not id then
    return nil, 'kref: the language server did not start; see ' .. vim.lsp.get_log_path()
  end
  state.clients[root] = id
  return id
end

local function report(err, user_asked)
  if user_asked then
    notify(err, levels.ERROR)
  elseif not state.warned[err] then
    state.warned[err] = true
    notify(err, levels.WARN)
  end
end

local function wants_buffer(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or not vim.api.nvim_buf_is_loaded(bufnr) then
    return false
  end
  if vim.bo[bufnr].buftype ~= '' then
    return false
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if util.id_from_bufname(name) or name:match('^%a[%w+.-]*://') then
    return false
  end
  return vim.tbl_contains(state.config.filetypes, vim.bo[bufnr].filetype)
end

--- The root folder of a buffer.
function M.root_for_buf(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if type(state.config.root_dir) == 'function' then
    local root = state.config.root_dir(bufnr, name)
    if root then
      return root
    end
  end
  return util.root_for_file(name, state.config.root_markers)
end

--- Attaches a buffer to the kref client of its root (starting it). Returns the client id.
--- opts.force: attach even when `manifests_only` would not; opts.report: show every failure
--- (automatic attaches show each failure once).
function M.attach(bufnr, opts)
  opts = opts or {}
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not wants_buffer(bufnr) then
    return nil
  end
  -- A chart's template may start with `{{- if ... }}`: the server knows it by its chart.
  if state.config.manifests_only and not opts.force and vim.bo[bufnr].filetype ~= 'helm' then
    local lines = vim.api.nvim_buf_get_lines(bufnr, 0, 5000, false)
    if not util.looks_like_manifest(lines) then
      return nil
    end
  end
  local id, err = M.client_for_root(M.root_for_buf(bufnr))
  if not id then
    report(err, opts.report)
    return nil
  end
  vim.lsp.buf_attach_client(bufnr, id)
  state.buffers[bufnr] = id
  local client = vim.lsp.get_client_by_id(id)
  if client then
    M._buffer_features(bufnr, client)
  end
  return id
end

--- The kref client of a buffer, or nil.
function M.client_for_buf(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  return buffer_clients(bufnr)[1]
end

--- A client to send searches to: the current buffer's, else one whose root holds the current
--- folder, else any, else a new one for the current folder's root.
local function search_client()
  local client = M.client_for_buf(0)
  if client then
    return client
  end
  local cwd = uv.cwd()
  local any
  for root, id in pairs(state.clients) do
    local c = vim.lsp.get_client_by_id(id)
    if c and not client_is_stopped(c) then
      if cwd == root or cwd:sub(1, #root + 1) == root .. '/' then
        return c
      end
      any = any or c
    end
  end
  if any then
    return any
  end
  local root = util.find_root(cwd, state.config.root_markers) or cwd
  local id, err = M.client_for_root(root)
  if not id then
    return nil, err
  end
  return vim.lsp.get_client_by_id(id)
end

--- Calls `fn(client)` once the client is initialized (polling, never blocking), or reports a timeout.
local function when_ready(client, fn)
  local deadline = uv.now() + state.config.timeout_ms
  local function poll()
    if is_initialized(client) then
      fn(client)
    elseif client_is_stopped(client) or uv.now() > deadline then
      notify('kref: the language server did not finish starting; see :KrefInfo', levels.ERROR)
    else
      vim.defer_fn(poll, 20)
    end
  end
  poll()
end

--- What the running Neovim can show: inlay hints need vim.lsp.inlay_hint (Neovim 0.10+).
function M.features()
  local inlay = vim.lsp.inlay_hint ~= nil and type(vim.lsp.inlay_hint) == 'table'
  return {
    inlay_hints = inlay,
    inlay_hints_reason = not inlay and 'inlay hints need Neovim 0.10 or later (vim.lsp.inlay_hint)' or nil,
    codelens = vim.lsp.codelens ~= nil,
  }
end

--- Turns on inlay hints and code lenses in a buffer once its client has started (as the options
--- and the server allow).
local function buffer_features(bufnr, client)
  local config = state.config
  when_ready(client, function(c)
    if not vim.api.nvim_buf_is_valid(bufnr) then
      return
    end
    local caps = c.server_capabilities or {}
    if config.inlay_hints and config.inlay_hints.enable and caps.inlayHintProvider and M.features().inlay_hints then
      -- 0.10+ takes (enable, filter); its pre-releases took (bufnr, enable).
      if not pcall(vim.lsp.inlay_hint.enable, true, { bufnr = bufnr }) then
        pcall(vim.lsp.inlay_hint.enable, bufnr, true)
      end
    end
    if config.codelens and caps.codeLensProvider and vim.lsp.codelens then
      local function refresh()
        if vim.api.nvim_buf_is_valid(bufnr) and #buffer_clients(bufnr) > 0 then
          vim.api.nvim_buf_call(bufnr, function()
            pcall(vim.lsp.codelens.refresh)
          end)
        end
      end
      local group = vim.api.nvim_create_augroup('kref_codelens_' .. bufnr, { clear = true })
      vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost', 'CursorHold' }, {
        group = group,
        buffer = bufnr,
        callback = refresh,
        desc = 'kref: refresh code lenses',
      })
      refresh()
    end
  end)
end

M._buffer_features = buffer_features

--- A synchronous request with a timeout: result, or nil and an error message.
local function request_sync(client, method, params, timeout_ms)
  if not vim.wait(timeout_ms, function()
    return is_initialized(client) or client_is_stopped(client)
  end, 10) or not is_initialized(client) then
    return nil, 'the language server is not ready'
  end
  local done, answer, failure = false, nil, nil
  local ok = client_request(client, method, params, function(err, result)
    done, answer, failure = true, result, err
  end)
  if not ok then
    return nil, 'the language server has stopped'
  end
  if not vim.wait(timeout_ms, function()
    return done
  end, 10) then
    return nil, string.format('no answer to %s in %d ms', method, timeout_ms)
  end
  if failure then
    return nil, failure.message or vim.inspect(failure)
  end
  return answer
end

local function is_null(value)
  return value == nil or value == vim.NIL
end

-- ---- commands ----------------------------------------------------------------------------

--- Splits `kind:CronJob`, `source:user` and `limit:N` out of a query.
function M.parse_query(text)
  local params = { limit = state.config.search.limit }
  local words = {}
  for token in (text or ''):gmatch('%S+') do
    local key, value = token:match('^(%a+):(%S+)$')
    if key == 'kind' then
      params.kind = value
    elseif key == 'source' and (value == 'builtin' or value == 'user') then
      params.source = value
    elseif key == 'limit' and value:match('^%d+$') and tonumber(value) > 0 then
      params.limit = tonumber(value)
    else
      table.insert(words, token)
    end
  end
  params.query = table.concat(words, ' ')
  return params
end

--- Keeps search results by id (bounded), so a note buffer can fall back on what search said.
local function remember_hits(results)
  if state.hit_count > 2000 then
    state.hits, state.hit_count = {}, 0
  end
  for _, hit in ipairs(results or {}) do
    if type(hit) == 'table' and type(hit.id) == 'string' then
      state.hits[hit.id] = hit
      state.hit_count = state.hit_count + 1
    end
  end
end

--- :KrefSearch {query}: results into the quickfix list (and its window).
function M.search(query)
  query = query or ''
  if vim.trim(query) == '' then
    query = vim.fn.input('kref search: ')
  end
  local params = M.parse_query(query)
  if params.query == '' then
    return
  end
  local client, err = search_client()
  if not client then
    notify(err, levels.ERROR)
    return
  end
  when_ready(client, function()
    local ok = client_request(client, 'kref/search', params, function(rpc_err, result)
      if rpc_err then
        notify('kref: search failed: ' .. (rpc_err.message or vim.inspect(rpc_err)), levels.ERROR)
        return
      end
      if not is_null(result) then
        remember_hits(result.results)
      end
      local items = util.search_to_qf_items(is_null(result) and {} or result)
      vim.fn.setqflist({}, ' ', {
        title = 'kref search: ' .. params.query,
        items = items,
        context = { kref = true, query = params.query },
      })
      if #items == 0 then
        notify(string.format('kref: nothing found for "%s"', params.query), levels.WARN)
        return
      end
      if state.config.search.open_quickfix then
        vim.cmd('botright copen')
      end
    end)
    if not ok then
      notify('kref: the language server has stopped; try :KrefRestart', levels.ERROR)
    end
  end)
end

--- :KrefExplain: the field under the cursor, in a floating window.
function M.explain()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.client_for_buf(bufnr)
  if not client then
    if not wants_buffer(bufnr) then
      notify(
        'kref: :KrefExplain works in a file of type ' .. table.concat(state.config.filetypes, '/') .. ' (a Kubernetes manifest)',
        levels.WARN
      )
      return
    end
    -- Not attached yet (setup{} not called, or autostart off): attach now. A failure is reported there.
    if not M.attach(bufnr, { force = true, report = true }) then
      return
    end
    client = M.client_for_buf(bufnr)
  end
  local win = vim.api.nvim_get_current_win()
  when_ready(client, function()
    local params = vim.lsp.util.make_position_params(win, client.offset_encoding)
    client_request(client, 'kref/explain', params, function(err, result)
      if err then
        notify('kref: explain failed: ' .. (err.message or vim.inspect(err)), levels.ERROR)
        return
      end
      if is_null(result) or type(result.markdown) ~= 'string' then
        notify('kref: no Kubernetes field under the cursor', levels.INFO)
        return
      end
      local float = state.config.float
      vim.lsp.util.open_floating_preview(util.explain_to_lines(result), 'markdown', {
        border = float.border,
        max_width = float.max_width,
        max_height = float.max_height,
        focus_id = 'kref_explain',
      })
    end, bufnr)
  end)
end

--- :KrefShow {id}: a note by id in a read-only Markdown buffer.
function M.show(id)
  id = vim.trim(id or '')
  if id == '' then
    notify('kref: usage: :KrefShow {id} (ids come from :KrefSearch)', levels.WARN)
    return
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(util.note_bufname(id)))
end

--- Fills a `kref://note/<id>` buffer from `kref/show` (BufReadCmd).
function M.read_note(bufnr, name)
  local id = util.id_from_bufname(name)
  local lines
  local client, err = search_client()
  if not id then
    lines = { '# Not a kref note', '', 'Buffer names look like kref://note/<id>.' }
  elseif not client then
    lines = { '# kref is not running', '', err }
  else
    local show, failure = request_sync(client, 'kref/show', { id = id }, state.config.timeout_ms)
    if failure then
      lines = { '# Could not load this note', '', 'kref/show failed: ' .. failure }
    elseif (is_null(show) or type(show.markdown) ~= 'string') and state.hits[id] then
      -- Schema results have no note section: show what the search said.
      lines = util.hit_to_lines(state.hits[id])
    elseif is_null(show) or type(show.markdown) ~= 'string' then
      lines = { '# Not found', '', 'kref has no note with id `' .. id .. '` (was the index rebuilt?).' }
    else
      lines = util.show_to_lines(show)
    end
  end
  vim.bo[bufnr].modifiable = true
  vim.bo[bufnr].readonly = false
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
  vim.bo[bufnr].buftype = 'nofile'
  vim.bo[bufnr].bufhidden = 'hide'
  vim.bo[bufnr].swapfile = false
  vim.bo[bufnr].modified = false
  vim.bo[bufnr].modifiable = false
  vim.bo[bufnr].readonly = true
  vim.bo[bufnr].filetype = 'markdown'
end

--- Stops every kref client this plugin started.
function M.stop(timeout_ms)
  local ids = {}
  for root, id in pairs(state.clients) do
    state.stopping[id] = true
    table.insert(ids, id)
    state.clients[root] = nil
  end
  state.buffers = {}
  if #ids == 0 then
    return
  end
  vim.lsp.stop_client(ids)
  vim.wait(timeout_ms or 3000, function()
    for _, id in ipairs(ids) do
      if vim.lsp.get_client_by_id(id) then
        return false
      end
    end
    return true
  end, 20)
end

--- :KrefRestart: stops the servers and attaches the open buffers again.
function M.restart()
  M.stop()
  state.warned = {}
  local attached, failed = 0, false
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if wants_buffer(bufnr) then
      -- One message is enough when the server cannot start.
      if M.attach(bufnr, { report = not failed }) then
        attached = attached + 1
      elseif M.server_cmd() == nil then
        failed = true
      end
    end
  end
  notify(string.format('kref: restarted (%d buffer%s attached)', attached, attached == 1 and '' or 's'))
end

--- :KrefInfo: what runs where.
function M.info()
  local lines = {}
  local cmd, err = M.server_cmd()
  table.insert(lines, 'kref for Neovim ' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.' .. tostring(vim.version().patch))
  if cmd then
    table.insert(lines, 'server: ' .. table.concat(cmd, ' ') .. '  (' .. vim.fn.exepath(cmd[1]) .. ')')
  else
    table.insert(lines, err)
  end
  table.insert(lines, 'options: ' .. vim.fn.json_encode(M.server_options()))
  local features = M.features()
  table.insert(lines, 'inlay hints: ' .. (features.inlay_hints and 'available' or features.inlay_hints_reason))
  table.insert(lines, 'log: ' .. (state.config.log_file or vim.lsp.get_log_path()))
  local any = false
  for root, id in pairs(state.clients) do
    any = true
    local client = vim.lsp.get_client_by_id(id)
    local bufs = {}
    for b in pairs((client and client.attached_buffers) or {}) do
      table.insert(bufs, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(b), ':~:.'))
    end
    table.insert(
      lines,
      string.format(
        'client %d (%s) root %s: %s',
        id,
        client and (is_initialized(client) and 'running' or 'starting') or 'stopped',
        root,
        #bufs > 0 and table.concat(bufs, ', ') or 'no buffers'
      )
    )
  end
  if not any then
    table.insert(lines, 'no kref client running (open a YAML file, or :KrefSearch)')
  end
  notify(table.concat(lines, '\n'))
end

-- ---- setup -------------------------------------------------------------------------------

local function create_autocmds()
  local group = vim.api.nvim_create_augroup('kref', { clear = true })
  if not state.config.autostart then
    return
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = state.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
    desc = 'kref: attach the language server',
  })
  if state.config.manifests_only then
    -- A new file becomes a manifest as it is written.
    vim.api.nvim_create_autocmd({ 'BufWritePost', 'InsertLeave' }, {
      group = group,
      callback = function(args)
        if #buffer_clients(args.buf) == 0 then
          M.attach(args.buf)
        end
      end,
      desc = 'kref: attach buffers that became manifests',
    })
  end
end

--- require('kref').setup{...}: options are described in README.md and at the top of this file.
--- Calling it again updates the options and sends them to running servers.
function M.setup(opts)
  local old_options = M.server_options()
  state.config = merge(defaults, opts)
  state.setup_done = true
  create_autocmds()

  -- Running servers get the new notes/schemas/version.
  if not vim.deep_equal(old_options, M.server_options()) then
    for _, id in pairs(state.clients) do
      local client = vim.lsp.get_client_by_id(id)
      if client and is_initialized(client) then
        client_notify(client, 'workspace/didChangeConfiguration', { settings = { kref = M.server_options() } })
      end
    end
  end

  -- Buffers opened before setup (lazy loading) are attached now.
  if state.config.autostart then
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if wants_buffer(bufnr) then
        M.attach(bufnr)
      end
    end
  end
end

--- The current options (for tests and :KrefInfo).
function M.config()
  return state.config
end

return M
