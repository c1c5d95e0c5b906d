fuzz-a = { fuzz-b }
fuzz-b = { fuzz-a }
