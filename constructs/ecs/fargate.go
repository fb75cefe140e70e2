package ecs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// fargateSizes maps each Fargate task CPU size (in CPU units, 1024 per
// vCPU) to the memory sizes (MiB) Fargate runs with it on Linux
// (platform version 1.4.0), smallest first.
var fargateSizes = map[int][]int{
	256:   {512, 1024, 2048},
	512:   steps(1024, 4096, 1024),
	1024:  steps(2048, 8192, 1024),
	2048:  steps(4096, 16384, 1024),
	4096:  steps(8192, 30720, 1024),
	8192:  steps(16384, 61440, 4096),
	16384: steps(32768, 122880, 8192),
}

func steps(from, to, by int) []int {
	var out []int
	for m := from; m <= to; m += by {
		out = append(out, m)
	}
	return out
}

// FargateCPUs returns the task CPU sizes Fargate runs, in CPU units (1024
// per vCPU), smallest first.
func FargateCPUs() []int {
	out := make([]int, 0, len(fargateSizes))
	for c := range fargateSizes {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// FargateMemories returns the memory sizes (MiB) Fargate runs with a task
// CPU size, smallest first, or nil for a CPU size Fargate does not run.
func FargateMemories(cpu int) []int { return slices.Clone(fargateSizes[cpu]) }

// checkFargateSize returns what is wrong with a task size, or "".
func checkFargateSize(cpu, memory int) (field, problem string) {
	mems, ok := fargateSizes[cpu]
	if !ok {
		return "CPU", fmt.Sprintf("%d is not a Fargate task CPU size; use one of %v (CPU units, 1024 per vCPU)", cpu, FargateCPUs())
	}
	if !slices.Contains(mems, memory) {
		return "MemoryMiB", fmt.Sprintf("%d is not a Fargate memory size for CPU %d; use %s", memory, cpu, describeSizes(mems))
	}
	return "", ""
}

// describeSizes lists sizes, or their range and step when there are many.
func describeSizes(mems []int) string {
	if len(mems) <= 4 {
		parts := make([]string, len(mems))
		for i, m := range mems {
			parts[i] = strconv.Itoa(m)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprintf("%d to %d in steps of %d", mems[0], mems[len(mems)-1], mems[1]-mems[0])
}
