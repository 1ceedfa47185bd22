using BlazorTickets.Bench;

var benchmarks = new Dictionary<string, Func<string[], Task>>(StringComparer.OrdinalIgnoreCase)
{
    ["bill"] = BillBenchmark.RunAsync,
    ["circuits"] = FanoutBenchmark.RunCircuitsAsync,
    ["desk"] = DeskQueryBenchmark.RunAsync,
    ["fanout"] = FanoutBenchmark.RunFanoutAsync,
    ["fanout-nodes"] = FanoutBenchmark.RunFanoutNodesAsync,
    ["hostile-html"] = HostileHtmlBenchmark.RunAsync,
    ["ingest"] = IngestBenchmark.RunAsync,
    ["pickers"] = PickerBenchmark.RunAsync,
    ["push-latency"] = PushLatencyBenchmark.RunAsync,
    ["search"] = SearchBenchmark.RunAsync,
    ["sla"] = SlaBenchmark.RunAsync,
    ["startup"] = StartupBenchmark.RunAsync,
    ["timers"] = TimersBenchmark.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project Bench -- <{string.Join("|", benchmarks.Keys)}> [arguments]");
    return 2;
}

await run(args[1..]);
return 0;
