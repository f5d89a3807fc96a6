#!/usr/bin/python3
"""A real IP-camera stand-in for the tests (issue #26): GStreamer's gst-rtsp-server, which we did not
write (Debian gir1.2-gst-rtsp-server-1.0 + python3-gi; live555 and gst-rtsp-server are what many
camera firmwares run). Launched by test/support/gst-camera.ts; run it with Debian's /usr/bin/python3.

One mount, /cam, one shared media (every client sees the same live encoder, as on a camera):
  --codec h264|hevc     x264enc / x265enc (RTP: rtph264pay / rtph265pay; parameter sets in the SDP sprop)
  --audio none|aac|pcma a 440 Hz tone as AAC (rtpmp4gpay, mpeg4-generic) or G.711 A-law (pt 8)
  --gop S               keyframe interval in seconds (x264enc key-int-max / x265enc key-int-max)
  --user U --password P digest auth (RTSPAuth, GST_RTSP_AUTH_DIGEST)
  --tcp-only            set_protocols(TCP): a UDP SETUP is answered 461 Unsupported transport
  --port N              0 = any free port; the bound port is printed as the first stdout line (JSON)
stdin commands, one per line:
  stall N    drop raw frames before the encoder for N s with the RTSP session kept open (a hung
             encoder); the RTP timestamps then jump by N s on resume, as the probe saw
A reboot is done by the launcher: kill this process and start a new one on the same port.
"""
import argparse
import json
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def video_branch(a):
    key_int = max(1, round(a.gop * a.fps))
    src = (
        f"videotestsrc is-live=true pattern=smpte horizontal-speed=4 ! video/x-raw,width={a.width},height={a.height},"
        f"framerate={a.fps}/1 ! valve name=stall drop=false ! videoconvert ! video/x-raw,format=I420"
    )
    if a.codec == "hevc":
        enc = (
            f"x265enc speed-preset=ultrafast tune=zerolatency key-int-max={key_int} bitrate={a.kbps} "
            "option-string=scenecut=0:open-gop=0 ! h265parse ! rtph265pay name=pay0 pt=96 config-interval=0"
        )
    else:
        enc = (
            f"x264enc speed-preset=ultrafast tune=zerolatency key-int-max={key_int} bitrate={a.kbps} "
            "option-string=scenecut=0 ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=0"
        )
    return f"{src} ! {enc}"


def audio_branch(a):
    tone = "audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample"
    if a.audio == "aac":
        return f"{tone} ! audio/x-raw,rate=16000,channels=1 ! voaacenc bitrate=32000 ! rtpmp4gpay name=pay1 pt=97"
    if a.audio == "pcma":
        return f"{tone} ! audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay1 pt=8"
    return ""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--codec", choices=["h264", "hevc"], default="h264")
    p.add_argument("--audio", choices=["none", "aac", "pcma"], default="none")
    p.add_argument("--gop", type=float, default=1.0)
    p.add_argument("--fps", type=int, default=10)
    p.add_argument("--width", type=int, default=320)
    p.add_argument("--height", type=int, default=240)
    p.add_argument("--kbps", type=int, default=300)
    p.add_argument("--user", default="")
    p.add_argument("--password", default="")
    p.add_argument("--tcp-only", action="store_true")
    a = p.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(a.port))

    factory = GstRtspServer.RTSPMediaFactory()
    launch = f"( {video_branch(a)} {audio_branch(a)} )"
    factory.set_launch(launch)
    factory.set_shared(True)
    if a.tcp_only:
        factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP)

    media_elements = []
    factory.connect("media-configure", lambda _f, media: media_elements.append(media.get_element()))

    if a.user:
        # digest only: a camera that offers Basic over plain RTSP hands out its password (probe finding 16)
        auth = GstRtspServer.RTSPAuth()
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
        auth.add_digest(a.user, a.password, token)
        server.set_auth(auth)
        perms = GstRtspServer.RTSPPermissions()
        perms.add_permission_for_role("user", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
        perms.add_permission_for_role("user", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)
        factory.set_permissions(perms)

    server.get_mount_points().add_factory("/cam", factory)
    if server.attach(None) == 0:
        print(json.dumps({"error": "could not bind"}), flush=True)
        sys.exit(1)
    print(json.dumps({"port": server.get_bound_port(), "launch": launch}), flush=True)

    loop = GLib.MainLoop()

    def stall(seconds):
        valves = [e.get_by_name("stall") for e in media_elements]
        for v in valves:
            if v is not None:
                v.set_property("drop", True)

        def resume():
            for v in valves:
                if v is not None:
                    v.set_property("drop", False)
            print(json.dumps({"resumed": True}), flush=True)
            return False

        GLib.timeout_add(int(seconds * 1000), resume)

    def on_stdin(channel, _cond):
        line = channel.readline()
        if line == "":
            loop.quit()  # the launcher is gone: so are we
            return False
        parts = line.split()
        if len(parts) == 2 and parts[0] == "stall":
            stall(float(parts[1]))
            print(json.dumps({"stalled": float(parts[1])}), flush=True)
        return True

    GLib.io_add_watch(GLib.IOChannel.unix_new(sys.stdin.fileno()), GLib.IO_IN | GLib.IO_HUP, on_stdin)
    loop.run()


if __name__ == "__main__":
    main()
