namespace BlazorTickets.Features.Api.Resources;

public static class DirectoryApi
{
    public static void Map(RouteGroupBuilder api)
    {
    }
}
