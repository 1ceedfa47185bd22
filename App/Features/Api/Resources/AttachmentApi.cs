namespace BlazorTickets.Features.Api.Resources;

public static class AttachmentApi
{
    public static void Map(RouteGroupBuilder api)
    {
    }
}
