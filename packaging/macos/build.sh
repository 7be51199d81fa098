#!/usr/bin/env bash
# Build Bellbar.app and Bellbar-VERSION.dmg on macOS (Xcode command line tools for iconutil,
# hdiutil and codesign). From the repository root:
#   python3.11 -m venv .venv && .venv/bin/pip install -e '.[package]'
#   packaging/macos/build.sh
# Set CODESIGN_IDENTITY (a "Developer ID Application" identity) to sign; notarize the .dmg
# afterwards with `xcrun notarytool submit --wait` and `xcrun stapler staple`.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=.venv/bin/python
version=$("$python" -c "import bellbar; print(bellbar.__version__)")

# The .icns from the rendered PNGs.
iconset=build/Bellbar.iconset
rm -rf "$iconset" && mkdir -p "$iconset"
for size in 16 32 128 256 512; do
  cp "src/bellbar/assets/icons/bellbar-${size}.png" "$iconset/icon_${size}x${size}.png"
done
for size in 16 128 256; do
  cp "src/bellbar/assets/icons/bellbar-$((size * 2)).png" "$iconset/icon_${size}x${size}@2x.png"
done
cp src/bellbar/assets/icons/bellbar-64.png "$iconset/icon_32x32@2x.png"
iconutil -c icns "$iconset" -o build/Bellbar.icns

"$python" -m PyInstaller --noconfirm --clean --windowed \
  --name Bellbar --distpath dist --workpath build/pyinstaller --specpath build/pyinstaller \
  --icon "$PWD/build/Bellbar.icns" --osx-bundle-identifier org.bellbar.Bellbar \
  --collect-data bellbar --collect-submodules uvicorn --collect-submodules bellbar \
  --copy-metadata keyring --copy-metadata bellbar \
  --exclude-module tkinter --exclude-module pytest \
  packaging/entry.py

# A menu-bar app: no Dock icon, no app menu.
plist=dist/Bellbar.app/Contents/Info.plist
/usr/libexec/PlistBuddy -c "Add :LSUIElement bool true" "$plist"
/usr/libexec/PlistBuddy -c "Set :CFBundleShortVersionString $version" "$plist"

dist/Bellbar.app/Contents/MacOS/Bellbar --self-test

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --deep --force --options runtime --sign "$CODESIGN_IDENTITY" dist/Bellbar.app
fi
hdiutil create -volname Bellbar -srcfolder dist/Bellbar.app -ov -format UDZO \
  "dist/Bellbar-${version}.dmg"
echo "built dist/Bellbar.app and dist/Bellbar-${version}.dmg"
