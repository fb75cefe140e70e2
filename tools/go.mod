module github.com/hybridstack/hybridstack/tools

go 1.26.0
