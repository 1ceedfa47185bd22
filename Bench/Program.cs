var benchmarks = new Dictionary<string, Func<string[], Task>>(StringComparer.OrdinalIgnoreCase);

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project Bench -- <{string.Join("|", benchmarks.Keys)}>");
    return 2;
}

await run(args[1..]);
return 0;
