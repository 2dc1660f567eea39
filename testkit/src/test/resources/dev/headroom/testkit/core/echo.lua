-- Echoes its first argument: a fixture for RedisScript.fromClasspath.
return ARGV[1]
