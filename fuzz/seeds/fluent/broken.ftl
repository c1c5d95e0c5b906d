fuzz-bad = {
