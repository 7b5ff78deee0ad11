-- kref commands and the kref://note/<id> buffers. The language server is attached to YAML
-- buffers only after require('kref').setup{} (see editors/nvim/README.md).

if vim.g.loaded_kref then
  return
end
vim.g.loaded_kref = true

if vim.fn.has('nvim-0.7') ~= 1 then
  vim.notify('kref needs Neovim 0.7 or later', vim.log.levels.WARN)
  return
end

local command = vim.api.nvim_create_user_command

command('KrefSearch', function(args)
  require('kref').search(args.args)
end, { nargs = '*', desc = 'kref: search the knowledge base (results in the quickfix list)' })

command('KrefExplain', function()
  require('kref').explain()
end, { nargs = 0, desc = 'kref: explain the Kubernetes field under the cursor' })

command('KrefShow', function(args)
  require('kref').show(args.args)
end, { nargs = 1, desc = 'kref: show a note by id' })

command('KrefRestart', function()
  require('kref').restart()
end, { nargs = 0, desc = 'kref: restart the language server' })

command('KrefInfo', function()
  require('kref').info()
end, { nargs = 0, desc = 'kref: show the server command, options and clients' })

vim.api.nvim_create_autocmd('BufReadCmd', {
  group = vim.api.nvim_create_augroup('kref_notes', { clear = true }),
  pattern = 'kref://note/*',
  callback = function(args)
    require('kref').read_note(args.buf, args.match)
  end,
  desc = 'kref: fill a built-in note buffer from kref/show',
})
