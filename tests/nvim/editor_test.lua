-- Drives headless Neovim with the kref plugin against a language server, records what a user
-- would see (hover text, completion labels, diagnostics, :KrefSearch's quickfix list, a note
-- buffer, the :KrefExplain float) as JSON, then quits. Run by tests/editor_nvim.rs:
--
--   nvim --headless --clean --cmd 'set rtp^=editors/nvim' -c 'luafile tests/nvim/editor_test.lua'
--
-- Environment:
--   KREF_TEST_OUT     where to write the JSON report (required)
--   KREF_TEST_WORK    the workspace: manifests.yaml, broken.yaml, notes/ (required)
--   KREF_TEST_SERVER  the kref binary (a missing path tests the error handling)
--   KREF_TEST_LOG     the server's --log-file
--   KREF_TEST_MODE    'full' (default) or 'missing-server'
--   KREF_TEST_BUDGET  seconds for the whole script (default 100); every wait is bounded by it
--
-- Every step runs under pcall and is recorded with its error, so one failure never stops the
-- report from being written, and the script always ends with :qa!.

local uv = vim.loop
local started = uv.now()

local report = {
  nvim_version = string.format('%d.%d.%d', vim.version().major, vim.version().minor, vim.version().patch),
  mode = os.getenv('KREF_TEST_MODE') or 'full',
  steps = {},
  notifications = {},
}

local out_path = os.getenv('KREF_TEST_OUT')
local work = os.getenv('KREF_TEST_WORK') or uv.cwd()
local server = os.getenv('KREF_TEST_SERVER') or 'kref'
local log_file = os.getenv('KREF_TEST_LOG')
local budget_ms = (tonumber(os.getenv('KREF_TEST_BUDGET')) or 100) * 1000

-- Keep every message the plugin shows (and still show it, for :messages).
local original_notify = vim.notify
vim.notify = function(msg, level, opts)
  table.insert(report.notifications, { message = tostring(msg), level = level })
  return original_notify(msg, level, opts)
end

--- Milliseconds left of the whole budget, at most `want`.
local function left(want)
  return math.max(1, math.min(want, budget_ms - (uv.now() - started)))
end

--- Waits for `cond` (bounded by `want` ms and the budget). True when it held.
local function wait_for(want, cond)
  return vim.wait(left(want), cond, 20) == true
end

local function step(name, fn)
  local entry = { name = name }
  table.insert(report.steps, entry)
  local ok, err = xpcall(fn, debug.traceback)
  entry.ok = ok
  if not ok then
    entry.error = tostring(err)
  end
  return ok
end

local function write_report()
  local ok_msgs, msgs = pcall(vim.api.nvim_exec, 'messages', true)
  report.messages = ok_msgs and msgs or ('(could not read :messages: ' .. tostring(msgs) .. ')')
  report.elapsed_ms = uv.now() - started
  report.lsp_log = vim.lsp.get_log_path()
  local file = assert(io.open(assert(out_path, 'KREF_TEST_OUT is not set'), 'w'))
  file:write(vim.fn.json_encode(report))
  file:close()
end

-- ---- helpers -----------------------------------------------------------------------------

local kref

local function open(name)
  vim.cmd('edit ' .. vim.fn.fnameescape(work .. '/' .. name))
  return vim.api.nvim_get_current_buf()
end

local function attached_client(bufnr)
  local client = kref.client_for_buf(bufnr)
  if client and client.initialized == true and client.attached_buffers and client.attached_buffers[bufnr] then
    return client
  end
  return nil
end

--- True once the plugin said the server could not start or has exited: no use waiting longer.
local function server_gone()
  for _, n in ipairs(report.notifications) do
    if n.message:match('^kref: the language server exited') or n.message:match('^kref: cannot start') then
      return true
    end
  end
  return false
end

local function wait_attached(bufnr)
  wait_for(30000, function()
    return attached_client(bufnr) ~= nil or server_gone()
  end)
  local client = attached_client(bufnr)
  assert(client, 'the kref client did not attach to ' .. vim.api.nvim_buf_get_name(bufnr))
  return client
end

--- 0-based line and byte column of the first occurrence of `needle` (plain text) in the buffer.
local function find(bufnr, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then
      return i - 1, col - 1, line
    end
  end
  error('not in the buffer: ' .. needle)
end

local function params_at(bufnr, row, col)
  -- The fixtures are ASCII, so byte columns are UTF-8 and UTF-16 columns alike.
  return { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = row, character = col } }
end

--- One result per client from buf_request_sync; errors are raised.
local function request(bufnr, method, params, want)
  local results, err = vim.lsp.buf_request_sync(bufnr, method, params, left(want or 15000))
  assert(results, method .. ': ' .. tostring(err))
  local answers = {}
  for _, r in pairs(results) do
    assert(not r.err, method .. ' failed: ' .. vim.inspect(r.err))
    table.insert(answers, r.result)
  end
  return answers
end

local function markup_text(contents)
  if contents == nil or contents == vim.NIL then
    return ''
  end
  if type(contents) == 'string' then
    return contents
  end
  if contents.value then
    return contents.value
  end
  local parts = {}
  for _, c in ipairs(contents) do
    table.insert(parts, markup_text(c))
  end
  return table.concat(parts, '\n')
end

local function hover(bufnr, needle)
  local row, col = find(bufnr, needle)
  local texts = {}
  for _, result in ipairs(request(bufnr, 'textDocument/hover', params_at(bufnr, row, col + 1))) do
    if result and result ~= vim.NIL then
      table.insert(texts, markup_text(result.contents))
    end
  end
  return { line = row, text = table.concat(texts, '\n') }
end

local function diagnostics(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(list, {
      lnum = d.lnum,
      col = d.col,
      message = d.message,
      severity = d.severity,
      source = d.source,
      code = d.code,
    })
  end
  return list
end

local function has_diagnostic_on(bufnr, lnum)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.lnum == lnum then
      return true
    end
  end
  return false
end

local function floating_windows()
  local found = {}
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    local config = vim.api.nvim_win_get_config(win)
    if config.relative and config.relative ~= '' then
      table.insert(found, win)
    end
  end
  return found
end

local function qf_snapshot()
  local qf = vim.fn.getqflist({ title = 1, items = 1 })
  local items = {}
  for _, item in ipairs(qf.items or {}) do
    table.insert(items, {
      text = item.text,
      module = item.module,
      lnum = item.lnum,
      bufname = item.bufnr > 0 and vim.api.nvim_buf_get_name(item.bufnr) or '',
      valid = item.valid,
    })
  end
  return { title = qf.title, items = items }
end

local function kref_search(query)
  vim.fn.setqflist({}, 'r', { title = '', items = {} })
  vim.cmd('KrefSearch ' .. query)
  wait_for(30000, function()
    return (vim.fn.getqflist({ title = 1 }).title or ''):match('^kref search') ~= nil
  end)
  return qf_snapshot()
end

-- ---- the scenarios -----------------------------------------------------------------------

local function full()
  local manifests, client

  step('setup', function()
    kref = require('kref')
    kref.setup({
      cmd = { server, 'lsp' },
      log_file = log_file,
      notes = { work .. '/notes' },
    })
    report.commands = {
      KrefSearch = vim.fn.exists(':KrefSearch') == 2,
      KrefExplain = vim.fn.exists(':KrefExplain') == 2,
    }
  end)

  step('attach', function()
    manifests = open('manifests.yaml')
    report.filetype = vim.bo[manifests].filetype
    client = wait_attached(manifests)
    report.root_dir = client.config.root_dir
    report.offset_encoding = client.offset_encoding
    report.server_capabilities = vim.tbl_keys(client.server_capabilities or {})
  end)
  if not client then
    return
  end

  report.hover = {}
  for _, field in ipairs({ 'strategy', 'accessModes', 'concurrencyPolicy' }) do
    step('hover ' .. field, function()
      report.hover[field] = hover(manifests, field .. ':')
    end)
  end

  step('completion', function()
    -- Type over the value, as a user would: `concurrencyPolicy: ` with the cursor at the end.
    local row, _, line = find(manifests, 'concurrencyPolicy:')
    local typed = line:match('^(%s*concurrencyPolicy: )')
    vim.api.nvim_buf_set_lines(manifests, row, row + 1, false, { typed })
    local labels, first = {}, nil
    for _, result in ipairs(request(manifests, 'textDocument/completion', params_at(manifests, row, #typed))) do
      local items = (result and result ~= vim.NIL) and (result.items or result) or {}
      for _, item in ipairs(items) do
        table.insert(labels, item.label)
        first = first or item
      end
    end
    report.completion = { line = row, labels = labels }
    if first and client.server_capabilities.completionProvider and client.server_capabilities.completionProvider.resolveProvider then
      local resolved = request(manifests, 'completionItem/resolve', first)[1]
      report.completion.resolved = {
        label = resolved and resolved.label,
        documentation = resolved and markup_text(resolved.documentation),
        detail = resolved and resolved.detail,
      }
    end
    -- Put the line back as it was for the steps below.
    vim.api.nvim_buf_set_lines(manifests, row, row + 1, false, { line })
  end)

  -- Navigation through the client's own commands: references and workspace symbols fill the
  -- quickfix list, rename applies the server's edit to the buffer.
  local function cursor_on_claim()
    vim.api.nvim_set_current_buf(manifests)
    local row, col = find(manifests, 'claimName: data')
    vim.api.nvim_win_set_cursor(0, { row + 1, col + #'claimName: ' })
  end
  local function quickfix(fn)
    vim.fn.setqflist({}, 'r')
    fn()
    wait_for(15000, function()
      return #vim.fn.getqflist() > 0
    end)
    local items = {}
    for _, item in ipairs(vim.fn.getqflist()) do
      table.insert(items, { lnum = item.lnum, col = item.col, text = item.text })
    end
    vim.cmd('cclose')
    vim.api.nvim_set_current_buf(manifests)
    return items
  end

  step('references', function()
    cursor_on_claim()
    report.references = quickfix(function()
      vim.lsp.buf.references({ includeDeclaration = true })
    end)
  end)

  step('workspace symbols', function()
    report.workspace_symbols = quickfix(function()
      vim.lsp.buf.workspace_symbol('cron nightly')
    end)
  end)

  step('rename', function()
    cursor_on_claim()
    vim.lsp.buf.rename('cache')
    wait_for(15000, function()
      return pcall(find, manifests, 'claimName: cache')
    end)
    report.renamed = {
      claim = select(3, find(manifests, 'claimName: cache')),
      name = select(3, find(manifests, '  name: cache')),
    }
    -- Back to the file as written, for the steps below.
    vim.api.nvim_buf_call(manifests, function()
      vim.cmd('silent edit!')
    end)
  end)

  step('code lens and inlay hints', function()
    report.features = kref.features()
    wait_for(15000, function()
      return #vim.lsp.codelens.get(manifests) > 0
    end)
    report.codelens = {}
    for _, lens in ipairs(vim.lsp.codelens.get(manifests)) do
      table.insert(report.codelens, {
        line = lens.range.start.line,
        title = lens.command and lens.command.title,
      })
    end
    report.inlay_hints = {}
    if report.features.inlay_hints then
      local function hints()
        local ok, found = pcall(vim.lsp.inlay_hint.get, { bufnr = manifests })
        return ok and found or {}
      end
      wait_for(15000, function()
        return #hints() > 0
      end)
      for _, item in ipairs(hints()) do
        local h = item.inlay_hint or item
        local label = h.label
        if type(label) == 'table' then
          local parts = {}
          for _, part in ipairs(label) do
            table.insert(parts, part.value)
          end
          label = table.concat(parts)
        end
        table.insert(report.inlay_hints, { line = h.position.line, label = label })
      end
    end
  end)

  step('diagnostics', function()
    local broken = open('broken.yaml')
    wait_attached(broken)
    local sometimes = find(broken, 'concurrencyPolicy: Sometimes')
    local always = find(broken, 'restartPolicy: Always')
    report.diagnostics_lines = { sometimes = sometimes, always = always }
    wait_for(20000, function()
      return has_diagnostic_on(broken, sometimes)
    end)
    -- The second one may come in a later publish: give it a little longer.
    wait_for(3000, function()
      return has_diagnostic_on(broken, always)
    end)
    report.diagnostics = diagnostics(broken)
  end)

  step('helm template', function()
    -- A template of the chart under chart/: read as YAML with holes, with the chart's values.
    local template = open('chart/templates/deployment.yaml')
    wait_attached(template)
    local typo = find(template, 'readinesProbe:')
    wait_for(20000, function()
      return has_diagnostic_on(template, typo)
    end)
    report.helm = {
      filetype = vim.bo[template].filetype,
      typo_line = typo,
      diagnostics = diagnostics(template),
      hover = hover(template, 'replicaCount'),
    }
  end)

  step('search', function()
    vim.cmd('buffer ' .. manifests)
    report.search = kref_search('rolling update')
  end)

  --- Jumps to the first quickfix entry that `accept`s, and records the buffer it shows.
  local function open_result(accept)
    local index
    for i, item in ipairs((report.search and report.search.items) or {}) do
      if accept(item) then
        index = i
        break
      end
    end
    if not index then
      return nil
    end
    vim.cmd('cc ' .. index)
    local bufnr = vim.api.nvim_get_current_buf()
    return {
      bufname = vim.api.nvim_buf_get_name(bufnr),
      filetype = vim.bo[bufnr].filetype,
      modifiable = vim.bo[bufnr].modifiable,
      buftype = vim.bo[bufnr].buftype,
      lines = vim.api.nvim_buf_get_lines(bufnr, 0, 60, false),
    }
  end

  step('open built-in note', function()
    -- A built-in note section (from kref/show), not a schema result.
    report.note = open_result(function(item)
      return item.bufname:match('^kref://note/') ~= nil and item.module ~= 'kref:schema'
    end)
    assert(report.note, 'no built-in note among the search results')
  end)

  step('open schema result', function()
    report.schema_note = open_result(function(item)
      return item.module == 'kref:schema'
    end)
  end)

  step('search user notes', function()
    -- The `notes` option reaches the server, and `source:` narrows a search.
    report.search_user = kref_search('rolling update source:user')
  end)


  step('explain', function()
    vim.cmd('cclose')
    vim.cmd('buffer ' .. manifests)
    local row, col = find(manifests, 'strategy:')
    vim.api.nvim_win_set_cursor(0, { row + 1, col + 2 })
    vim.cmd('KrefExplain')
    wait_for(15000, function()
      return #floating_windows() > 0
    end)
    local wins = floating_windows()
    report.explain = { windows = #wins }
    if wins[1] then
      report.explain.lines = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(wins[1]), 0, -1, false)
    end
  end)
end

local function missing_server()
  step('setup', function()
    kref = require('kref')
    kref.setup({ cmd = { server, 'lsp' }, log_file = log_file })
  end)
  step('open manifest', function()
    local bufnr = open('manifests.yaml')
    report.filetype = vim.bo[bufnr].filetype
    -- Give a wrongly started client time to show up.
    wait_for(500, function()
      return false
    end)
    report.attached = kref.client_for_buf(bufnr) ~= nil
  end)
  step('search', function()
    report.search = kref_search('rolling update')
  end)
  step('explain', function()
    vim.cmd('KrefExplain')
  end)
end

local ok, err = xpcall(function()
  if report.mode == 'missing-server' then
    missing_server()
  else
    full()
  end
end, debug.traceback)
if not ok then
  report.fatal = tostring(err)
end
pcall(write_report)
vim.cmd('qa!')
