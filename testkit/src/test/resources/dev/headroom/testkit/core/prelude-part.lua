local greeting = 'unused by echo.lua: proves the parts run as one script'
